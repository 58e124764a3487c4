/**
 * Keeps a run folder in step with the training events: run.json follows the status, each epoch is
 * appended to metrics.jsonl, and the models are saved as checkpoints.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import type { EpochEvent, TrainingEvent } from '../train/events.ts';
import { makeFolder, saveModel } from './model-files.ts';
import { appendEpochMetrics, readEpochMetrics, readRunRecord, RUN_FILES, writeRunRecord, type RunRecord } from './run-folder.ts';
import { INTERRUPTED_MESSAGE } from './run-liveness.ts';

/** A new record, owned by this process: made in the training process, so its pid is the one that trains. */
export function newRunRecord(name: string, backend: string): RunRecord {
  return {
    status: 'running',
    name,
    startedAt: new Date().toISOString(),
    endedAt: null,
    backend,
    params: { trainable: 0, nonTrainable: 0 },
    epochsDone: 0,
    bestTestAccuracy: null,
    bestEpoch: null,
    seconds: null,
    error: null,
    pid: process.pid,
    host: hostname(),
  };
}

/** Applies one event to the folder; call in event order. */
export async function recordEvent(dir: string, record: RunRecord, event: TrainingEvent): Promise<void> {
  switch (event.type) {
    case 'started':
      record.params = event.params;
      record.threads = event.threads;
      await writeRunRecord(dir, record);
      return;
    case 'epoch':
      await appendEpochMetrics(dir, event);
      record.epochsDone = event.epoch;
      record.bestTestAccuracy = event.bestTestAccuracy;
      record.bestEpoch = event.bestEpoch;
      await writeRunRecord(dir, record);
      return;
    case 'finished':
      await finish(dir, record, 'finished', null, event.seconds);
      return;
    case 'cancelled':
      await finish(dir, record, 'cancelled', null);
      return;
    case 'failed':
      await finish(dir, record, 'failed', event.error);
      return;
    case 'diverged':
      await finish(dir, record, 'diverged', event.message);
      return;
    case 'batch':
    case 'phase':
      return;
  }
}

/** Ends the record as interrupted: the training stopped because its parent process went away. */
export async function recordInterruption(dir: string, record: RunRecord): Promise<void> {
  await finish(dir, record, 'interrupted', INTERRUPTED_MESSAGE);
}

/**
 * Marks a run as ended from outside, e.g. by the parent after its worker was killed. The process
 * may have died between appending an epoch and rewriting run.json, so the epoch count and best
 * result are taken from metrics.jsonl, which is written first.
 */
export async function markRunEnded(dir: string, status: 'failed' | 'cancelled', error: string | null): Promise<void> {
  const record = await readRunRecord(dir);
  if (record.status !== 'running') return;
  const last = (await readEpochMetrics(dir)).at(-1);
  if (last) {
    record.epochsDone = last.epoch;
    record.bestTestAccuracy = last.bestTestAccuracy;
    record.bestEpoch = last.bestEpoch;
  }
  await finish(dir, record, status, error);
}

async function finish(dir: string, record: RunRecord, status: RunRecord['status'], error: string | null, seconds?: number): Promise<void> {
  record.status = status;
  record.error = error;
  record.endedAt = new Date().toISOString();
  record.seconds = seconds ?? (Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000;
  await writeRunRecord(dir, record);
}

/** The trainer's checkpoint hook: the last model every epoch, the best one when it improved. */
export function checkpointer(tf: TensorFlow, dir: string) {
  return async (model: tfjs.LayersModel, _epoch: EpochEvent, best: boolean): Promise<void> => {
    await makeFolder(join(dir, 'models'));
    await saveModel(tf, model, join(dir, RUN_FILES.lastModel));
    if (best) await saveModel(tf, model, join(dir, RUN_FILES.bestModel));
  };
}
