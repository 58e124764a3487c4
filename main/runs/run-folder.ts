/**
 * A run's folder: everything needed to understand, compare and reuse it later.
 *
 *   graph.json      the graph as it was trained
 *   settings.json   the training settings
 *   run.json        status (running, finished, failed, cancelled, interrupted), backend, timings,
 *                   best result, and the training process's pid and host
 *   metrics.jsonl   one line per epoch, appended as each ends, so a crash loses no finished epoch,
 *                   after one per batch the trainer reported in it (about ten a second: the running
 *                   loss and accuracy, the learning rate and the cycled momentum), type "batch"
 *   models/best/    the model of the best epoch so far, chosen on validation accuracy (test
 *                   accuracy for a run without a validation split) (TensorFlow.js LayersModel; a run
 *                   of the exported PyTorch training script saves model.onnx instead, run-model.ts)
 *   models/last/    the model after the last finished epoch
 *   models/initial/ the ONNX model a fine-tuning run started from (train/initial-weights.ts)
 *   checkpoint.bin  what `train --resume` needs to continue after the last finished epoch
 *                   (weights, optimizer state, random streams; train/checkpoint.ts)
 */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors.ts';
import { readJsonFile } from '../files/read-json-file.ts';
import { readNamedFile, type FileReadError } from '../files/regular-file.ts';
import { writeAtomically } from '../files/write-atomically.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { BatchEvent, EpochEvent } from '../train/events.ts';
import type { RunRecord } from './types.ts';

export type { RunRecord } from './types.ts';

export const RUN_FILES = {
  graph: 'graph.json',
  settings: 'settings.json',
  record: 'run.json',
  metrics: 'metrics.jsonl',
  bestModel: join('models', 'best'),
  lastModel: join('models', 'last'),
  checkpoint: 'checkpoint.bin',
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

/** One line of metrics.jsonl per batch the trainer reported. */
export interface BatchLine {
  type: 'batch';
  epoch: number;
  batch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  learningRate: number;
  momentum: number | null;
}

export function batchLine(event: BatchEvent): BatchLine {
  return { type: 'batch', epoch: event.epoch, batch: event.batch, loss: event.loss, accuracy: event.accuracy, learningRate: event.learningRate, momentum: event.momentum };
}

/** Appends lines to metrics.jsonl in one write. */
export async function appendMetricLines(dir: string, lines: readonly object[]): Promise<void> {
  await appendFile(join(dir, RUN_FILES.metrics), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

/** Every complete line of metrics.jsonl, parsed; a line cut short by a crash ends the list. */
async function readMetricLines(dir: string): Promise<{ type?: unknown; epoch?: unknown }[]> {
  let text: string;
  try {
    text = (await readNamedFile(join(dir, RUN_FILES.metrics))).toString('utf8');
  } catch (error) {
    if ((error as FileReadError).code === 'ENOENT') return [];
    throw error;
  }
  const lines: { type?: unknown }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as { type?: unknown });
    } catch {
      break;
    }
  }
  return lines;
}

/**
 * The epochs of metrics.jsonl. Lines written before the validation split existed lack its
 * fields: they read as a run without one (null validation and clean train figures, best epoch
 * chosen on the test set, as it was).
 */
export async function readEpochMetrics(dir: string): Promise<EpochEvent[]> {
  return (await readMetricLines(dir)).filter((line) => line.type === 'epoch' || line.type === undefined).map((line) => withDefaults(line as Partial<EpochEvent>));
}

/** The batch lines of metrics.jsonl, in order. */
export async function readBatchMetrics(dir: string): Promise<BatchLine[]> {
  return (await readMetricLines(dir)).filter((line): line is BatchLine => line.type === 'batch');
}

function withDefaults(line: Partial<EpochEvent>): EpochEvent {
  return {
    cleanTrainLoss: null,
    cleanTrainAccuracy: null,
    validationLoss: null,
    validationAccuracy: null,
    selectedBy: 'test',
    bestValidationAccuracy: null,
    ...line,
    type: 'epoch',
  } as EpochEvent;
}

/**
 * Puts metrics.jsonl in step with a checkpoint after `epoch` before a run resumes from it: lines of
 * later epochs go (the run trains them again), and the checkpoint's own epoch is added when the
 * process died between saving the checkpoint and writing that line.
 */
export async function truncateMetrics(dir: string, epoch: EpochEvent): Promise<void> {
  const lines = (await readMetricLines(dir)).filter((line) => typeof line.epoch === 'number' && line.epoch <= epoch.epoch);
  if (!lines.some((line) => (line.type === 'epoch' || line.type === undefined) && line.epoch === epoch.epoch)) lines.push(epoch);
  await writeAtomically(join(dir, RUN_FILES.metrics), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}
