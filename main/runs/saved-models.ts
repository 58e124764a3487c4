/**
 * Which of a run's models were saved, and why one was not. A run saves `models/last` after every
 * finished epoch and `models/best` when the test accuracy improved, so a run stopped before its
 * first epoch ended has none. Evaluating, showing feature maps and exporting need one; every such
 * call asks here first, so the user reads why instead of an ENOENT.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { readRunRecord, RUN_FILES } from './run-folder.ts';
import { liveStatus } from './run-liveness.ts';
import type { RunRecord, RunStatus } from './types.ts';

export type ModelChoice = 'best' | 'last';

/** What a model folder must hold: the topology and the weights (saveModel writes the weights first). */
const MODEL_FILES = ['weights.bin', 'model.json'];

export interface SavedModels {
  best: boolean;
  last: boolean;
  /** Why there is no model, in words that follow "no saved model: "; null when both exist. */
  missing: string | null;
}

export function modelFolder(runDir: string, which: ModelChoice): string {
  return join(runDir, which === 'best' ? RUN_FILES.bestModel : RUN_FILES.lastModel);
}

export async function modelSaved(runDir: string, which: ModelChoice): Promise<boolean> {
  const found = await Promise.all(MODEL_FILES.map((file) => stat(join(modelFolder(runDir, which), file)).then((s) => s.isFile(), () => false)));
  return found.every(Boolean);
}

export async function savedModels(runDir: string, record: RunRecord, status: RunStatus = liveStatus(record)): Promise<SavedModels> {
  const [best, last] = await Promise.all([modelSaved(runDir, 'best'), modelSaved(runDir, 'last')]);
  return { best, last, missing: best && last ? null : whyMissing(record, status) };
}

/** Throws a StudioError that says why, unless the run has the model; returns its folder. */
export async function requireSavedModel(runDir: string, which: ModelChoice): Promise<string> {
  if (await modelSaved(runDir, which)) return modelFolder(runDir, which);
  const record = await readRunRecord(runDir).catch(() => null);
  const why = record ? whyMissing(record, liveStatus(record)) : `its ${RUN_FILES.record} cannot be read`;
  throw new StudioError(`run ${basename(runDir)} has no saved ${which} model (${why})`);
}

function whyMissing(record: RunRecord, status: RunStatus): string {
  const noEpoch = record.epochsDone === 0;
  switch (status) {
    case 'running':
      return noEpoch ? 'it is still in its first epoch; the model is saved when an epoch ends' : 'it is still training';
    case 'cancelled':
      return noEpoch ? 'it was cancelled before epoch 1 ended' : 'its model files were removed';
    case 'interrupted':
      return noEpoch ? 'it was interrupted before epoch 1 ended' : 'its model files were removed';
    case 'failed':
      return noEpoch ? 'it failed before epoch 1 ended' : 'its model files were removed';
    case 'diverged':
      return noEpoch ? 'it diverged before epoch 1 ended' : 'its model files were removed';
    case 'finished':
      return 'its model files were removed';
  }
}
