/**
 * A run's folder: everything needed to understand, compare and reuse it later.
 *
 *   graph.json      the graph as it was trained
 *   settings.json   the training settings
 *   run.json        status (running, finished, failed, cancelled, interrupted), backend, timings,
 *                   best result, and the training process's pid and host
 *   metrics.jsonl   one line per epoch, appended as each ends, so a crash loses nothing reported
 *   models/best/    the model at the best test accuracy so far (TensorFlow.js LayersModel)
 *   models/last/    the model after the last finished epoch
 */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors.ts';
import { readJsonFile } from '../files/read-json-file.ts';
import { readNamedFile, type FileReadError } from '../files/regular-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { EpochEvent } from '../train/events.ts';
import type { RunRecord } from './types.ts';

export type { RunRecord } from './types.ts';

export const RUN_FILES = {
  graph: 'graph.json',
  settings: 'settings.json',
  record: 'run.json',
  metrics: 'metrics.jsonl',
  bestModel: join('models', 'best'),
  lastModel: join('models', 'last'),
} as const;

/** Makes a new, uniquely named folder under `root` and writes the graph and settings into it. */
export async function createRunFolder(root: string, graph: GraphDocument, settings: TrainingSettings, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const slug = (graph.name ?? 'graph').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'graph';
  await mkdir(root, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = join(root, `${stamp}_${slug}${n > 1 ? `-${n}` : ''}`);
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await writeFile(join(dir, RUN_FILES.graph), `${JSON.stringify(graph, null, 2)}\n`);
    await writeFile(join(dir, RUN_FILES.settings), `${JSON.stringify(settings, null, 2)}\n`);
    return dir;
  }
}

/** Rewrites run.json atomically (temporary file, then rename). */
export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  const path = join(dir, RUN_FILES.record);
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * What a run.json must hold for the runs table to show it; other fields are kept as they are
 * (a rename rewrites the record whole). Only read files are checked: a run folder may have been
 * copied in, edited by hand or damaged.
 */
const runRecordSchema = z.looseObject({
  status: z.string(),
  name: z.string(),
  startedAt: z.string(),
  backend: z.string(),
  epochsDone: z.number(),
  bestEpoch: z.number().nullable(),
  bestTestAccuracy: z.number().nullable(),
  seconds: z.number().nullable(),
  error: z.string().nullable(),
});

/** A run's run.json; throws a StudioError naming the file and what is wrong (never quoting it). */
export async function readRunRecord(dir: string): Promise<RunRecord> {
  const path = join(dir, RUN_FILES.record);
  const record = runRecordSchema.safeParse(await readJsonFile(path));
  if (!record.success) {
    const issue = record.error.issues[0]!;
    throw new StudioError(`${path} is not a run record: ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  return record.data as unknown as RunRecord;
}

export async function appendEpochMetrics(dir: string, epoch: EpochEvent): Promise<void> {
  await appendFile(join(dir, RUN_FILES.metrics), `${JSON.stringify(epoch)}\n`);
}

/** Every complete line of metrics.jsonl; a line cut short by a crash is left out. */
export async function readEpochMetrics(dir: string): Promise<EpochEvent[]> {
  let text: string;
  try {
    text = (await readNamedFile(join(dir, RUN_FILES.metrics))).toString('utf8');
  } catch (error) {
    if ((error as FileReadError).code === 'ENOENT') return [];
    throw error;
  }
  const epochs: EpochEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      epochs.push(JSON.parse(line) as EpochEvent);
    } catch {
      break;
    }
  }
  return epochs;
}
