/** Short training runs for tests: MNIST cut to a few hundred images, settings a test can read. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import type { TrainingEvent } from '../../main/train/events.ts';
import { startTrainingProcess, type TrainingHandle } from '../../main/train/worker/controller.ts';
import type { SpawnWorker } from '../../main/train/worker/link.ts';
import { chainOf } from './graphs.ts';
import { journeyPath, loadPreset } from './presets.ts';

export function quickSettings(overrides: TrainingSettingsInput = {}): TrainingSettings {
  return trainingSettingsSchema.parse({ epochs: 3, batchSize: 32, learningRate: 0.05, limit: 640, seed: 3, ...overrides });
}

/**
 * Journey round 10 (or `graph`) in a real training process on wasm, into a fresh runs folder;
 * `onEvent` sees each event with the handle, to cancel or kill at a chosen moment.
 */
export function startWorker(
  settings: TrainingSettings,
  onEvent?: (event: TrainingEvent, handle: TrainingHandle) => void,
  spawn?: SpawnWorker,
  graph: GraphDocument = loadPreset(journeyPath(10)),
  /** Threads to train on; default one per core. */
  threads?: number,
) {
  const runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-runs-'));
  const events: TrainingEvent[] = [];
  const handle: TrainingHandle = startTrainingProcess(
    { graph, settings, backend: 'wasm', runsRoot, ...(threads === undefined ? {} : { threads }) },
    (event) => {
      events.push(event);
      onEvent?.(event, handle);
    },
    spawn,
  );
  return { handle, events, runsRoot };
}

/** The one run folder a test made. */
export const onlyRun = (runsRoot: string) => join(runsRoot, readdirSync(runsRoot)[0]!);

/** A design far too large to train: 2048×2048×3 images through two 64-filter convolutions at full size. */
export function hugeDesign(): GraphDocument {
  const conv = (filters: number, size: number) => ({ type: 'conv2d', params: { filters, kernelSize: [size, size], padding: 'same' } });
  const relu = { type: 'activation', params: { function: 'relu' } };
  return chainOf([2048, 2048, 3], [conv(64, 3), relu, conv(64, 3), relu, { type: 'globalAvgPool', params: { keepDims: true } }, conv(10, 1), { type: 'flatten' }, { type: 'output' }]);
}
