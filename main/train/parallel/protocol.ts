/**
 * What the training process's main thread and its replica threads say to each other. Set-up and
 * the replies travel as messages; each command goes as a message on the replica's command port,
 * read synchronously (receiveMessageOnPort) once the shared sequence number wakes it, since a
 * replica waits with Atomics.wait and hears no events meanwhile. Bulk data (the batch, gradients,
 * images to evaluate, predictions) lies in SharedArrayBuffers.
 */
import type { OptimizerState } from '../optimizers.ts';
import type { MessagePort } from 'node:worker_threads';
import type { ImageDataset, ImageSplit } from '../../data/dataset.ts';
import type { SplitPredictions } from '../../evaluate/evaluate-model.ts';
import type { TrainingSettings } from '../../graph/training-settings.ts';
import type { GraphDocument } from '../../graph/types.ts';
import type { StepCommand } from './replica.ts';
import type { SharedStepBuffers } from './shared-step.ts';

/** The backends a replica thread can run: the ones that live inside the JavaScript thread. */
export type ReplicaBackend = 'wasm' | 'cpu';

export interface ReplicaInit {
  index: number;
  replicas: number;
  backend: ReplicaBackend;
  graph: GraphDocument;
  settings: TrainingSettings;
  learningRate: number;
  /** Replica 0's weights (LayersModel.getWeights order) and optimizer state, which every replica starts from. */
  weights: Float32Array[];
  optimizerState: OptimizerState;
  dataset: Pick<ImageDataset, 'name' | 'shape' | 'classNames' | 'normalization'>;
  buffers: SharedStepBuffers;
  commands: MessagePort;
}

/** A split's images and labels in shared memory, and where each image's prediction goes. */
export interface SharedSplit {
  count: number;
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
}

export interface SharedPredictions {
  predictions: SharedArrayBuffer;
  confidences: SharedArrayBuffer;
  losses: SharedArrayBuffer;
}

export interface EvaluateCommand {
  type: 'evaluate';
  split: SharedSplit;
  out: SharedPredictions;
  /** Replica r predicts images [starts[r], starts[r + 1]). */
  starts: number[];
  logits: boolean;
}

export type ReplicaCommand = StepCommand | EvaluateCommand | { type: 'exit' };

export type ReplicaMessage = { type: 'ready' } | { type: 'failed'; message: string };

const sharedSplits = new WeakMap<Uint8Array, SharedSplit>();

/** The split in shared memory: copied once, then the same buffers every time it is evaluated. */
export function shareSplit(split: ImageSplit): SharedSplit {
  let shared = sharedSplits.get(split.pixels);
  if (!shared || shared.count !== split.count) {
    const pixels = new SharedArrayBuffer(split.pixels.length);
    new Uint8Array(pixels).set(split.pixels);
    const labels = new SharedArrayBuffer(split.count);
    new Uint8Array(labels).set(split.labels.subarray(0, split.count));
    shared = { count: split.count, pixels, labels };
    sharedSplits.set(split.pixels, shared);
  }
  return shared;
}

export function splitOf(shared: SharedSplit): ImageSplit {
  return { count: shared.count, pixels: new Uint8Array(shared.pixels), labels: new Uint8Array(shared.labels) };
}

export function sharePredictions(count: number): SharedPredictions {
  return { predictions: new SharedArrayBuffer(count), confidences: new SharedArrayBuffer(count * 4), losses: new SharedArrayBuffer(count * 8) };
}

export function predictionsOf(shared: SharedPredictions): SplitPredictions {
  return { predictions: new Uint8Array(shared.predictions), confidences: new Float32Array(shared.confidences), losses: new Float64Array(shared.losses) };
}
