/**
 * `cnn-studio summary <file | run-dir>`: exit 0 for a valid graph, 1 for an invalid one, 2 for an
 * unreadable file. A run folder gets the summary of the graph it trained and, under it, the run's
 * result: the best epoch, which split chose it, its validation, test and clean train accuracy.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { summarize } from '../analysis/summary.ts';
import { describeError } from '../errors.ts';
import type { GraphDocument } from '../graph/types.ts';
import { RUN_FILES } from '../runs/run-folder.ts';
import { summarizeRun, readRunGraph } from '../runs/run-history.ts';
import type { RunSummary } from '../runs/types.ts';
import { renderSummary } from './print-summary.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { EXIT_INVALID_GRAPH, EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';
import { epochsCell } from './runs-command.ts';

export async function runSummary(file: string, options: { json?: boolean }, io: Output): Promise<number> {
  let graph: GraphDocument;
  let run: RunSummary | null = null;
  // A folder with a run record is a run; any other path goes to the file reader, which says what it is.
  if ((await stat(join(file, RUN_FILES.record)).catch(() => null))?.isFile()) {
    try {
      [graph, run] = await Promise.all([readRunGraph(file), summarizeRun(file)]);
    } catch (error) {
      io.err(`error: ${describeError(error)}`);
      return EXIT_UNREADABLE;
    }
  } else {
    const read = await readGraphFile(file);
    if (!read.ok) {
      for (const problem of read.problems) io.err(`error: ${problem}`);
      return EXIT_UNREADABLE;
    }
    for (const note of read.notes) io.err(`note: ${note}`);
    graph = read.graph;
  }
  const summary = summarize(graph, analyzeGraph(graph));
  if (options.json) io.out(JSON.stringify(run ? { ...summary, run } : summary, null, 2));
  else io.out([renderSummary(summary), ...(run ? ['', ...describeRun(run)] : [])].join('\n'));
  return summary.valid ? EXIT_OK : EXIT_INVALID_GRAPH;
}

/** The run's result in a few lines: status and epochs, the best epoch and what chose it, its accuracies. */
export function describeRun(run: RunSummary): string[] {
  const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)} %`);
  const lines = [`Run:                    ${run.name} (${run.id}), ${run.status}, ${epochsCell(run)} epochs`];
  if (run.bestEpoch === null) return [...lines, 'Best epoch:             none yet'];
  lines.push(
    run.selectedBy === 'validation'
      ? `Best epoch:             ${run.bestEpoch}, chosen on validation accuracy`
      : `Best epoch:             ${run.bestEpoch}, chosen on test accuracy (the run has no validation split)`,
    `Validation accuracy:    ${percent(run.bestValidationAccuracy)}`,
    `Test accuracy:          ${percent(run.bestTestAccuracy)}`,
    `Train accuracy:         ${percent(run.bestTrainAccuracy)}${run.trainMeasured === 'clean' ? ' (clean pass)' : ' (measured while dropout and augmentation acted)'}`,
  );
  if (run.error) lines.push(`Ended:                  ${run.error}`);
  return lines;
}
