/**
 * How the trainer runs a batch and an evaluation: on one thread (LocalStepper), or split over N
 * replicas on N threads (ReplicaPool, replica-pool.ts) with the same meaning: the same global
 * batch, the same learning rate, one update per batch, every replica holding the same weights.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../../compile/to-tfjs.ts';
import type { BatchArrays } from '../../data/batches.ts';
import type { ImageDataset, ImageSplit } from '../../data/dataset.ts';
import { evaluateModel } from '../../evaluate/evaluate-model.ts';
import type { Evaluation } from '../../evaluate/types.ts';
import type { TrainingSettings } from '../../graph/training-settings.ts';
import type { GraphDocument } from '../../graph/types.ts';
import type { StudioOptimizer } from '../optimizers.ts';
import { threadsFor } from '../thread-count.ts';
import { updateInPlace } from './in-place-update.ts';
import { ReplicaPool } from './replica-pool.ts';
import { sliceGradients, trainableVariables } from './slice-gradients.ts';

export interface StepOutcome {
  /** The batch's mean loss (with any regularisers' penalties) and the share of its images classified right. */
  loss: number;
  accuracy: number;
}

/** What the schedule sets for one step. */
export interface StepRates {
  learningRate: number;
  /** SGD's momentum or Adam's β1 as one-cycle cycles it; null: the optimizer's own. */
  momentum: number | null;
}

/** Sets a step's rates on an optimizer. */
export function setRates(optimizer: StudioOptimizer, rates: StepRates): void {
  optimizer.setLearningRate(rates.learningRate);
  if (rates.momentum !== null) optimizer.setMomentum(rates.momentum);
}

export interface BatchStepper {
  /** Threads (replicas) the steps run on. */
  readonly threads: number;
  /** One optimizer step on a batch of normalised images and one-hot labels, at these rates. */
  step(batch: BatchArrays, rates: StepRates): Promise<StepOutcome>;
  /** The model on a split, every image predicted once. */
  evaluate(split: ImageSplit, options: { logits: boolean; maxMisclassified?: number }): Promise<Evaluation>;
  /** Live tensors in every replica (as of the last evaluation for the replica threads). */
  tensors(): number;
  /** Stops the replica threads; the model and optimizer stay with the caller. */
  dispose(): Promise<void>;
}

/** Every step on this thread: trainOnBatch's work, minus its bookkeeping. */
export class LocalStepper implements BatchStepper {
  readonly threads = 1;
  constructor(
    private readonly tf: TensorFlow,
    private readonly model: tfjs.LayersModel,
    private readonly optimizer: StudioOptimizer,
    private readonly dataset: ImageDataset,
  ) {}

  async step(batch: BatchArrays, rates: StepRates): Promise<StepOutcome> {
    const { tf, dataset } = this;
    setRates(this.optimizer, rates);
    const classes = dataset.classNames.length;
    const imageSize = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    const slice = { images: batch.images.subarray(0, batch.size * imageSize), targets: batch.labels.subarray(0, batch.size * classes), size: batch.size, imageShape: dataset.shape, classes };
    const result = sliceGradients(tf, this.model, slice, 1, true);
    const variables = trainableVariables(this.model);
    if (!updateInPlace(tf, this.optimizer, variables, (i) => result.grads[i]!.dataSync() as Float32Array)) {
      this.optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: result.grads[i]! })));
    }
    tf.dispose(result.grads);
    return { loss: result.loss, accuracy: result.correct / batch.size };
  }

  evaluate(split: ImageSplit, options: { logits: boolean; maxMisclassified?: number }): Promise<Evaluation> {
    return evaluateModel(this.tf, this.model, this.dataset, split, options);
  }

  tensors(): number {
    return this.tf.memory().numTensors;
  }

  async dispose(): Promise<void> {}
}

export interface StepperOptions {
  tf: TensorFlow;
  /** The loaded backend's name: replica threads run wasm and cpu; the native backends use their own threads. */
  backend: string;
  threads: number;
  model: tfjs.LayersModel;
  optimizer: StudioOptimizer;
  graph: GraphDocument;
  settings: TrainingSettings;
  dataset: ImageDataset;
  learningRate: number;
}

export async function createStepper(options: StepperOptions): Promise<BatchStepper> {
  const threads = Math.min(threadsFor(options.backend, options.threads), options.settings.batchSize);
  if (threads === 1) return new LocalStepper(options.tf, options.model, options.optimizer, options.dataset);
  return ReplicaPool.start({ ...options, backend: options.backend as 'wasm' | 'cpu', replicas: threads });
}
