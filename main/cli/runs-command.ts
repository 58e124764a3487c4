/** `cnn-studio runs [dir]`: the runs table, as the studio shows it. */
import Table from 'cli-table3';
import { formatCount } from '../analysis/format.ts';
import { backendLabel } from '../runs/backend-label.ts';
import { readRunsFolder, type RunSummary } from '../runs/run-history.ts';
import { EXIT_OK, type Output } from './output.ts';
import { formatDuration } from './train-progress.ts';
import type { RunSort } from './choices.ts';


const SORTERS: Record<RunSort, (a: RunSummary, b: RunSummary) => number> = {
  started: (a, b) => b.startedAt.localeCompare(a.startedAt),
  validation: (a, b) => (b.bestValidationAccuracy ?? -1) - (a.bestValidationAccuracy ?? -1),
  test: (a, b) => (b.bestTestAccuracy ?? -1) - (a.bestTestAccuracy ?? -1),
  train: (a, b) => (b.bestTrainAccuracy ?? -1) - (a.bestTrainAccuracy ?? -1),
  gap: (a, b) => (a.gap ?? Infinity) - (b.gap ?? Infinity),
  params: (a, b) => a.trainableParams - b.trainableParams,
  macs: (a, b) => a.macs - b.macs,
  time: (a, b) => (a.seconds ?? Infinity) - (b.seconds ?? Infinity),
  name: (a, b) => a.name.localeCompare(b.name),
};

export async function runRuns(dir: string, options: { sort: RunSort; json?: boolean }, io: Output): Promise<number> {
  const listing = await readRunsFolder(dir);
  const runs = listing.runs.sort(SORTERS[options.sort]);
  // Entries that are not readable runs are said on stderr, one line each: never dropped in silence.
  for (const skip of listing.skipped) io.err(`skipped ${skip.path}: ${skip.reason}`);
  if (options.json) {
    io.out(JSON.stringify(runs, null, 2));
    return EXIT_OK;
  }
  if (runs.length === 0) {
    io.out(`No runs in ${dir} yet; cnn-studio train writes them there.`);
    return EXIT_OK;
  }
  const table = new Table({
    head: ['Run', 'Name', 'Status', 'Params', 'MACs', 'Epochs', 'Best epoch', 'Validation', 'Test', 'Train', 'Gap', 'Time', 'Backend', 'Model'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [], compact: true },
  });
  const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)} %`);
  let trainWhileTraining = false;
  for (const run of runs) {
    const old = run.trainMeasured === 'while training';
    trainWhileTraining ||= old;
    table.push([
      run.id,
      run.name,
      run.status,
      formatCount(run.trainableParams),
      formatCount(run.macs),
      epochsCell(run),
      run.bestEpoch === null ? '–' : `${run.bestEpoch} by ${run.selectedBy === 'validation' ? 'val.' : 'test'}`,
      percent(run.bestValidationAccuracy),
      percent(run.bestTestAccuracy),
      `${percent(run.bestTrainAccuracy)}${old ? '*' : ''}`,
      run.gap === null ? '–' : `${(run.gap * 100).toFixed(2)} pt`,
      run.seconds === null ? '–' : formatDuration(run.seconds),
      backendLabel(run),
      savedModelsCell(run.models),
    ]);
  }
  io.out(table.toString());
  io.out(
    'Validation, Test and Train are the best epoch\'s, which the validation accuracy chose ("by val.") or, for a run without a validation split, the test accuracy ("by test"); ' +
      'Train is measured in a clean pass (no dropout, no augmentation) and Gap is Train minus Validation (minus Test without a split).',
  );
  if (trainWhileTraining) io.out('* measured while dropout and augmentation acted (a run from before the clean pass): it reads low.');
  // Why runs ended early, and why one has no model to evaluate, under the table: too long for a column.
  for (const run of runs) {
    if (run.error) io.out(`${run.id} ${run.status}: ${run.error}`);
    else if (!run.models.best) io.out(`${run.id} has no saved model: ${run.models.missing}`);
  }
  return EXIT_OK;
}

/** "15"; "epoch 4 of 15" while the run trains (epochs done + 1); "3 of 15" for a run that stopped early. */
export function epochsCell(run: Pick<RunSummary, 'status' | 'epochs' | 'plannedEpochs'>): string {
  if (run.status === 'running') return run.plannedEpochs === null ? `epoch ${run.epochs + 1}` : `epoch ${Math.min(run.epochs + 1, run.plannedEpochs)} of ${run.plannedEpochs}`;
  return run.plannedEpochs !== null && run.plannedEpochs !== run.epochs ? `${run.epochs} of ${run.plannedEpochs}` : String(run.epochs);
}

/** `best, last` as `cnn-studio eval --model` names them, or `none`. */
function savedModelsCell(models: RunSummary['models']): string {
  const saved = (['best', 'last'] as const).filter((which) => models[which]);
  return saved.length === 0 ? 'none' : saved.join(', ');
}
