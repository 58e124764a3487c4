/**
 * The runs of a project, read back from their folders: one summary per run with what the runs
 * table shows (parameters, MACs, the best epoch with what chose it and its validation, test and
 * clean train accuracy, the over-fitting gap, wall time, backend), plus
 * renaming, notes and deletion.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import type { RunListing, SkippedEntry } from '../api/contract.ts';
import { describeError, StudioError } from '../errors.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { readJsonFile } from '../files/read-json-file.ts';
import { FileReadError } from '../files/regular-file.ts';
import { realPathOf } from '../files/real-path.ts';
import { isInside } from '../api/path-policy.ts';
import { parseGraphDocument } from '../graph/load.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readEpochMetrics, readRunRecord, RUN_FILES, writeRunRecord } from './run-folder.ts';
import { INTERRUPTED_MESSAGE, liveStatus } from './run-liveness.ts';
import { savedModels } from './saved-models.ts';
import type { EpochEvent } from '../train/events.ts';
import type { RanOn, RunSummary } from './types.ts';

export type { RunSummary };

/**
 * The runs in `root`, newest first, and every other entry with the reason it is not listed as a
 * run: a folder without a readable run.json, a file, a link that leads out of `root`. One bad
 * entry never hides the others. Hidden entries (".name") are left out, as `ls` leaves them.
 */
export async function readRunsFolder(root: string): Promise<RunListing> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], skipped: [] };
    throw new StudioError(`cannot list the runs folder ${root}: ${describeFsError(error)}`);
  }
  const realRoot = await realPathOf(root);
  const runs: RunSummary[] = [];
  const skipped: SkippedEntry[] = [];
  await Promise.all(
    names
      .filter((name) => !name.startsWith('.'))
      .map(async (name) => {
        try {
          runs.push(await summarizeRun(await runFolderIn(root, name, realRoot)));
        } catch (error) {
          skipped.push({ path: join(root, name), reason: describeError(error) });
        }
      }),
  );
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  skipped.sort((a, b) => a.path.localeCompare(b.path));
  return { runs, skipped };
}

/** The runs in `root`, newest first, for callers that report no skipped entries (tests, tools). */
export async function listRuns(root: string): Promise<RunSummary[]> {
  return (await readRunsFolder(root)).runs;
}

/**
 * The folder of run `id` in `root`, by its real path: a run folder that is a symbolic link out of
 * the runs folder is refused, so no rename, note, deletion or read through it reaches outside.
 * `realRoot` saves resolving the root again in a loop.
 */
export async function runFolderIn(root: string, id: string, realRoot?: string): Promise<string> {
  const dir = join(root, id);
  const real = await realPathOf(dir);
  if (!isStrictlyInside(realRoot ?? (await realPathOf(root)), real)) {
    throw new StudioError(`${dir} leads outside the runs folder ${root} (a symbolic link); it is not used as a run`);
  }
  const info = await stat(real).catch(() => null);
  if (!info) throw new StudioError(`there is no run "${id}" in ${root}`);
  if (!info.isDirectory()) throw new StudioError(`${dir} is not a run folder (it is a file)`);
  return real;
}

/** A run folder's summary; throws when the folder is not a run. */
export async function summarizeRun(dir: string): Promise<RunSummary> {
  const record = await readRunRecord(dir);
  const epochs = await readEpochMetrics(dir);
  const graph = await readRunGraph(dir);
  const analysis = analyzeGraph(graph);
  const status = liveStatus(record);
  const best = bestEpochOf(epochs);
  const train = best?.cleanTrainAccuracy ?? best?.trainAccuracy ?? null;
  const chosenOn = best ? (best.selectedBy === 'validation' ? best.validationAccuracy : best.testAccuracy) : null;
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
    threads: typeof record.threads === 'number' ? record.threads : null,
    trainableParams: analysis.totals.params.trainable,
    macs: analysis.totals.macs,
    epochs: epochs.length,
    plannedEpochs: record.epochsPlanned ?? graph.training?.epochs ?? null,
    dataset: graph.training?.dataset ?? null,
    limit: graph.training?.limit ?? null,
    bestEpoch: best?.epoch ?? null,
    selectedBy: best?.selectedBy ?? null,
    bestValidationAccuracy: best?.validationAccuracy ?? null,
    bestTestAccuracy: best?.testAccuracy ?? null,
    bestTrainAccuracy: train,
    trainMeasured: best ? (best.cleanTrainAccuracy !== null ? 'clean' : 'while training') : null,
    gap: train !== null && chosenOn !== null ? train - chosenOn : null,
    seconds: record.seconds,
    ranOn: ranOnOf(record.ranOn),
    resumable: status !== 'running' && (await fileExists(join(dir, RUN_FILES.checkpoint))),
    models: await savedModels(dir, record, status),
  };
}

/** The epoch the run chose as its best (as its last epoch line says), or null before any epoch ended. */
function bestEpochOf(epochs: EpochEvent[]): EpochEvent | null {
  const last = epochs.at(-1);
  if (!last) return null;
  return epochs.find((e) => e.epoch === last.bestEpoch) ?? null;
}

async function fileExists(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

/** The graph a run trained, with the settings it actually used as its training section. */
export async function readRunGraph(dir: string): Promise<GraphDocument> {
  const value = await readJsonFile(join(dir, RUN_FILES.graph)).catch((error: unknown) => {
    if (error instanceof FileReadError && error.code === 'ENOENT') throw new StudioError(`${dir} is not a run folder (it has no ${RUN_FILES.graph})`);
    throw error;
  });
  const loaded = parseGraphDocument(value);
  if (!loaded.ok) throw new StudioError(`the graph of run ${dir} does not load: ${loaded.problems[0]!.message}`);
  // A run folder without readable settings still shows its graph, without a training section.
  const settings = trainingSettingsSchema.safeParse(await readJsonFile(join(dir, RUN_FILES.settings)).catch(() => undefined));
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

/**
 * Deletes a run folder, only if it is one, lies inside `root` and is not training: the training
 * process keeps writing into its folder, so a run still going is refused (stop it first).
 */
export async function deleteRun(root: string, dir: string): Promise<void> {
  const full = await realPathOf(dir);
  if (!isStrictlyInside(await realPathOf(root), full)) throw new StudioError(`${dir} is not inside the runs folder ${root}`);
  if (!(await stat(join(full, RUN_FILES.record)).catch(() => null))) throw new StudioError(`${dir} is not a run folder (it has no ${RUN_FILES.record})`);
  // A run.json that does not parse belongs to no run in progress; such a folder may go.
  const record = await readRunRecord(full).catch(() => null);
  if (record && liveStatus(record) === 'running') throw new StudioError(`the run "${record.name}" is still training; stop it before deleting it`);
  await rm(full, { recursive: true });
}

/** Below `folder`, not `folder` itself; both real paths. */
function isStrictlyInside(folder: string, path: string): boolean {
  return resolve(folder) !== resolve(path) && isInside(folder, path);
}

/** run.json's `ranOn`, when it is well formed (a hand-edited one is left out rather than shown wrong). */
function ranOnOf(value: unknown): RanOn | null {
  if (typeof value !== 'object' || value === null) return null;
  const { framework, host, device, worldSize } = value as Record<string, unknown>;
  if (typeof framework !== 'string' || typeof host !== 'string' || typeof device !== 'string') return null;
  if (typeof worldSize !== 'number' || !Number.isInteger(worldSize) || worldSize < 1) return null;
  return { framework, host, device, worldSize };
}
