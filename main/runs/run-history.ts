/**
 * The runs of a project, read back from their folders: one summary per run with what the runs
 * table shows (parameters, MACs, best accuracies, the train-test gap, wall time, backend), plus
 * renaming, notes and deletion.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { StudioError } from '../errors.ts';
import { parseGraphDocument } from '../graph/load.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readEpochMetrics, readRunRecord, RUN_FILES, writeRunRecord } from './run-folder.ts';
import { INTERRUPTED_MESSAGE, liveStatus } from './run-liveness.ts';
import type { RunSummary } from './types.ts';

export type { RunSummary };

export async function listRuns(root: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = await Promise.all(names.map((name) => summarizeRun(join(root, name)).catch(() => null)));
  return runs.filter((run): run is RunSummary => run !== null).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** A run folder's summary; throws when the folder is not a run. */
export async function summarizeRun(dir: string): Promise<RunSummary> {
  const record = await readRunRecord(dir);
  const epochs = await readEpochMetrics(dir);
  const graph = await readRunGraph(dir);
  const analysis = analyzeGraph(graph);
  const bestTrain = epochs.length > 0 ? Math.max(...epochs.map((e) => e.trainAccuracy)) : null;
  const bestTest = epochs.length > 0 ? Math.max(...epochs.map((e) => e.testAccuracy)) : null;
  const status = liveStatus(record);
  return {
    id: dir.split(/[\\/]/).filter(Boolean).at(-1)!,
    dir,
    name: record.name,
    note: record.note ?? '',
    status,
    // A run found interrupted here never had the chance to say so in run.json.
    error: record.error ?? (status === 'interrupted' ? INTERRUPTED_MESSAGE : null),
    startedAt: record.startedAt,
    backend: record.backend,
    trainableParams: analysis.totals.params.trainable,
    macs: analysis.totals.macs,
    epochs: epochs.length,
    plannedEpochs: graph.training?.epochs ?? null,
    dataset: graph.training?.dataset ?? null,
    limit: graph.training?.limit ?? null,
    bestTrainAccuracy: bestTrain,
    bestTestAccuracy: bestTest,
    gap: bestTrain !== null && bestTest !== null ? bestTrain - bestTest : null,
    bestEpoch: record.bestEpoch,
    seconds: record.seconds,
  };
}

/** The graph a run trained, with the settings it actually used as its training section. */
export async function readRunGraph(dir: string): Promise<GraphDocument> {
  const text = await readFile(join(dir, RUN_FILES.graph), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new StudioError(error.code === 'ENOENT' ? `${dir} is not a run folder (it has no ${RUN_FILES.graph})` : `cannot read the graph of run ${dir}: ${error.message}`);
  });
  const loaded = parseGraphDocument(JSON.parse(text));
  if (!loaded.ok) throw new StudioError(`the graph of run ${dir} does not load: ${loaded.problems[0]!.message}`);
  const settings = trainingSettingsSchema.safeParse(JSON.parse(await readFile(join(dir, RUN_FILES.settings), 'utf8')));
  return settings.success ? { ...loaded.graph, training: settings.data } : loaded.graph;
}

export async function renameRun(dir: string, name: string): Promise<void> {
  const record = await readRunRecord(dir);
  await writeRunRecord(dir, { ...record, name });
}

export async function setRunNote(dir: string, note: string): Promise<void> {
  const record = await readRunRecord(dir);
  await writeRunRecord(dir, { ...record, note });
}

/** Deletes a run folder, only if it is one and lies inside `root`. */
export async function deleteRun(root: string, dir: string): Promise<void> {
  const full = resolve(dir);
  const inside = relative(resolve(root), full);
  if (inside === '' || inside.startsWith('..')) throw new StudioError(`${dir} is not inside the runs folder ${root}`);
  if (!(await stat(join(full, RUN_FILES.record)).catch(() => null))) throw new StudioError(`${dir} is not a run folder (it has no ${RUN_FILES.record})`);
  await rm(full, { recursive: true });
}
