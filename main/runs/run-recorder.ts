/**
 * Keeps a run folder in step with the training events: run.json follows the status, each epoch
 * (with the batches reported in it) is appended to metrics.jsonl, and the models and the
 * checkpoint are saved after every epoch.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { writeAtomically } from '../files/write-atomically.ts';
import { encodeCheckpoint, type TrainingCheckpoint } from '../train/checkpoint.ts';
import type { EpochEvent, TrainingEvent } from '../train/events.ts';
import type { RunEnvironment } from './types.ts';
import { makeFolder, saveModel } from './model-files.ts';
import { appendMetricLines, batchLine, readEpochMetrics, readRunRecord, RUN_FILES, writeRunRecord, type BatchLine, type RunRecord } from './run-folder.ts';
import { INTERRUPTED_MESSAGE } from './run-liveness.ts';

/** A new record, owned by this process: made in the training process, so its pid is the one that trains. */
export function newRunRecord(name: string, backend: string, environment?: RunEnvironment): RunRecord {
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
    ...(environment ? { environment } : {}),
  };
}

/**
 * The record of a run resumed after `afterEpoch` by this process: running again, with this
 * process's pid, the epochs it is now to reach, and this session noted under `resumes`.
 */
export function resumedRunRecord(record: RunRecord, afterEpoch: number, epochsPlanned: number, secondsBefore: number, environment: RunEnvironment): RunRecord {
  const now = new Date().toISOString();
  return {
    ...record,
    status: 'running',
    endedAt: null,
    error: null,
    epochsDone: afterEpoch,
    epochsPlanned,
    backend: environment.backend,
    pid: process.pid,
    host: hostname(),
    environment,
    resumes: [...(record.resumes ?? []), { at: now, afterEpoch, environment }],
    secondsBefore,
    sessionStartedAt: now,
  };
}

/**
 * Keeps one run's folder in step with its events; call `record` in event order. The batch lines
 * are held until their epoch ends and then appended with its line, in one write: nothing is
 * written into the folder in the middle of an epoch, so a folder being deleted then is not written
 * back into (the run notices within a second, runs/run-folder-watch.ts), and the lines of an epoch
 * cut short by a crash are gone with it, as they would be retrained on resume anyway.
 */
export function runRecorder(dir: string, record: RunRecord) {
  let batches: BatchLine[] = [];
  const flushBatches = async () => {
    if (batches.length === 0) return;
    const lines = batches;
    batches = [];
    await appendMetricLines(dir, lines);
  };
  return {
    async record(event: TrainingEvent): Promise<void> {
      switch (event.type) {
        case 'started':
          record.params = event.params;
          record.epochsPlanned = event.epochs;
          record.threads = event.threads;
          await writeRunRecord(dir, record);
          return;
        case 'batch':
          batches.push(batchLine(event));
          return;
        case 'epoch': {
          const lines = [...batches, event];
          batches = [];
          await appendMetricLines(dir, lines);
          record.epochsDone = event.epoch;
          takeBest(record, event);
          await writeRunRecord(dir, record);
          return;
        }
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
          // The batches up to the one that diverged say how the loss and the rate got there.
          await flushBatches();
          await finish(dir, record, 'diverged', event.message);
          return;
        case 'phase':
          return;
      }
    },
    /** Ends the record as interrupted: the training stopped because its parent process went away. */
    async interruption(): Promise<void> {
      await finish(dir, record, 'interrupted', INTERRUPTED_MESSAGE);
    },
  };
}

function takeBest(record: RunRecord, event: EpochEvent): void {
  record.bestEpoch = event.bestEpoch;
  record.selectedBy = event.selectedBy;
  record.bestValidationAccuracy = event.bestValidationAccuracy;
  record.bestTestAccuracy = event.bestTestAccuracy;
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
    takeBest(record, last);
  }
  await finish(dir, record, status, error);
}

/**
 * `seconds`: the run's training time as the trainer measured it, when it finished; otherwise the
 * time since this session started, plus the seconds of earlier sessions of a resumed run.
 */
async function finish(dir: string, record: RunRecord, status: RunRecord['status'], error: string | null, seconds?: number): Promise<void> {
  record.status = status;
  record.error = error;
  record.endedAt = new Date().toISOString();
  record.seconds = seconds ?? (record.secondsBefore ?? 0) + (Date.parse(record.endedAt) - Date.parse(record.sessionStartedAt ?? record.startedAt)) / 1000;
  await writeRunRecord(dir, record);
}

/**
 * The trainer's checkpoint hook: the last model and the checkpoint every epoch, the best model
 * when the epoch is the new best. The checkpoint is one file written whole, so whatever moment a
 * kill comes, it holds one epoch's weights with that epoch's optimizer state.
 */
export function checkpointer(tf: TensorFlow, dir: string) {
  return async (model: tfjs.LayersModel, _epoch: EpochEvent, best: boolean, state: TrainingCheckpoint): Promise<void> => {
    await makeFolder(join(dir, 'models'));
    await saveModel(tf, model, join(dir, RUN_FILES.lastModel));
    if (best) await saveModel(tf, model, join(dir, RUN_FILES.bestModel));
    await writeAtomically(join(dir, RUN_FILES.checkpoint), encodeCheckpoint(state));
  };
}
