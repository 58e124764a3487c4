/**
 * How much memory training a design takes, estimated from its analysis alone, so that a design
 * too large for the backend is refused before a training process starts (and the editor could
 * show the figure while you design). Pure: no Node.js, no TensorFlow.js. All values float32.
 *
 *   total      = replicas × (parameters + evaluation step) + training step
 *   per replica = parameters + evaluation step + its slice (⌈batch / replicas⌉) of the training step
 *   parameters = weights + gradients + optimizer slots (Momentum 1, Adam 2) + the step's temporaries
 *   training   = batch × (activations per sample × ACTIVATION_FACTOR + one image and its label)
 *   evaluation = 500 test images and their scores + b × (the widest block's inputs and output) × 2,
 *                b = the prediction batch (`inferenceBatch`: 500, or fewer for wide designs)
 *
 * ACTIVATION_FACTOR covers what the backward pass keeps besides the block outputs the analysis
 * counts: TensorFlow.js records every op's output on the gradient tape (a convolution's bias add,
 * BatchNorm's centred and scaled intermediates, dropout's mask), then makes a gradient of the
 * same size for each. The evaluation is added rather than overlapped with training because the
 * wasm heap never shrinks and its free blocks, cut to the training's sizes, rarely fit the
 * evaluation's. Checked against the wasm heap while training designs that took 70 MiB to 2.6 GiB
 * (the figures are in tests/train/training-memory.test.ts); it errs on the high side.
 */
import type { GraphAnalysis, Shape } from './types.ts';

const BYTES_PER_VALUE = 4;

/**
 * Bytes at the peak of a training step per byte of counted activations: measured 1.8 (round 10)
 * to 2.4 (wide convolutions) in tracked tensors, up to 2.6 in wasm heap growth; 3 leaves room for
 * the allocator's fragmentation.
 */
export const ACTIVATION_FACTOR = 3;

/** The evaluation's batch of test images (main/evaluate/evaluate-model.ts), at most. */
export const EVALUATION_IMAGES = 500;
/**
 * What the widest block's inputs and output may take in one prediction batch. Inference keeps only
 * a block's inputs and output alive, so this bounds the evaluation's activations: whole batches
 * of 500 for small designs (per-call overhead is what costs there), a few images for huge ones.
 */
export const INFERENCE_BUDGET_BYTES = 32 * 1024 ** 2;

/** Images per prediction batch for a design whose widest block takes `widestStepBytes` per image (inputs and output). */
export function inferenceBatch(widestStepBytes: number): number {
  return Math.max(1, Math.min(EVALUATION_IMAGES, Math.floor(INFERENCE_BUDGET_BYTES / Math.max(1, widestStepBytes))));
}

/**
 * Temporaries of the optimizer step, in values. The optimizers (train/optimizers.ts) update one
 * weight at a time inside a tidy, so only the largest weight counts: SGD makes 2 temporaries of
 * it, with momentum 2 more (Nesterov 4), Adam and AdamW 13; weight decay adds 2; while the
 * gradients are made one more is alive.
 */
function updateTemporaries(settings: TrainingMemorySettings, _trainable: number, largestWeight: number): number {
  const decay = settings.weightDecay ? 2 : 0;
  if (settings.optimizer !== 'sgd') return (14 + decay) * largestWeight;
  if (settings.momentum === 0) return (3 + decay) * largestWeight;
  return (settings.nesterov ? 7 : 5) * largestWeight + decay * largestWeight;
}

/** Optimizer state per trainable value: SGD with momentum keeps a velocity, Adam and AdamW two moments. */
export function optimizerSlots(settings: { optimizer: 'sgd' | 'adam' | 'adamw'; momentum: number }): number {
  if (settings.optimizer !== 'sgd') return 2;
  return settings.momentum === 0 ? 0 : 1;
}

/** The training settings the estimate depends on. */
export interface TrainingMemorySettings {
  batchSize: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  momentum: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface TrainingMemoryEstimate {
  /** Everything below together, over all replicas, in bytes. */
  totalBytes: number;
  batchSize: number;
  /**
   * Data-parallel replicas (train/parallel/): each holds the weights, gradients, optimizer state
   * and evaluation (`fixedBytes`) and its slice of the batch, in a heap of its own.
   */
  replicas: number;
  /** What the replica with the largest slice (⌈batch / replicas⌉ images) holds: its own heap. */
  perReplicaBytes: number;
  /** Trainable and non-trainable weights. */
  weightsBytes: number;
  /** One gradient per trainable weight. */
  gradientBytes: number;
  /** Momentum's velocity or Adam's two moments, and the update's temporaries. */
  optimizerBytes: number;
  /** The training step's activations and what the backward pass keeps with them, for a whole batch. */
  activationBytes: number;
  /** One training batch's images and one-hot labels. */
  batchBytes: number;
  /** Evaluating on the test split after each epoch. */
  evaluationBytes: number;
  /** The block with the largest output per sample, where shrinking helps most. */
  largest: { nodeId: string; shape: Shape; bytesPerSample: number } | null;
  /** What each sample of the training batch adds. */
  perSampleBytes: number;
  /** What does not depend on the batch size, per replica: parameters, optimizer and evaluation. */
  fixedBytes: number;
}

/** Null when the graph is not valid (no shapes to count). `replicas`: the threads it trains on. */
export function estimateTrainingMemory(analysis: GraphAnalysis, settings: TrainingMemorySettings, replicas = 1): TrainingMemoryEstimate | null {
  if (!analysis.valid || analysis.inputShape === null || analysis.outputShape === null) return null;
  const { trainable, nonTrainable } = analysis.totals.params;
  let largest: TrainingMemoryEstimate['largest'] = null;
  let widestStep = 0;
  let largestWeight = 0;
  for (const id of analysis.order) {
    const node = analysis.nodes[id]!;
    if (node.outputShape === null) continue;
    const bytes = node.activations * BYTES_PER_VALUE;
    if (largest === null || bytes > largest.bytesPerSample) largest = { nodeId: id, shape: node.outputShape, bytesPerSample: bytes };
    widestStep = Math.max(widestStep, bytes + node.inputShapes.reduce((sum, shape) => sum + size(shape) * BYTES_PER_VALUE, 0));
    largestWeight = Math.max(largestWeight, node.params.trainable);
  }

  const weightsBytes = (trainable + nonTrainable) * BYTES_PER_VALUE;
  const gradientBytes = trainable * BYTES_PER_VALUE;
  const optimizerBytes = (trainable * optimizerSlots(settings) + updateTemporaries(settings, trainable, largestWeight)) * BYTES_PER_VALUE;
  const sampleBytes = (size(analysis.inputShape) + size(analysis.outputShape)) * BYTES_PER_VALUE;
  const evaluationBytes = EVALUATION_IMAGES * sampleBytes + inferenceBatch(widestStep) * widestStep * 2;
  const fixedBytes = weightsBytes + gradientBytes + optimizerBytes + evaluationBytes;
  const perSampleBytes = analysis.totals.activationBytes * ACTIVATION_FACTOR + sampleBytes;
  const batch = settings.batchSize;
  const n = Math.max(1, Math.min(replicas, batch));
  return {
    totalBytes: n * fixedBytes + batch * perSampleBytes,
    batchSize: batch,
    replicas: n,
    perReplicaBytes: fixedBytes + Math.ceil(batch / n) * perSampleBytes,
    weightsBytes,
    gradientBytes,
    optimizerBytes,
    activationBytes: batch * analysis.totals.activationBytes * ACTIVATION_FACTOR,
    batchBytes: batch * sampleBytes,
    evaluationBytes,
    largest,
    perSampleBytes,
    fixedBytes,
  };
}

/**
 * The largest batch whose estimate fits in `limitBytes`, per replica (each replica's own heap) or
 * over all replicas together; 0 when not even one sample fits.
 */
export function largestBatchWithin(estimate: TrainingMemoryEstimate, limitBytes: number, scope: 'replica' | 'total' = 'replica'): number {
  if (scope === 'replica') return estimate.replicas * Math.max(0, Math.floor((limitBytes - estimate.fixedBytes) / estimate.perSampleBytes));
  return Math.max(0, Math.floor((limitBytes - estimate.replicas * estimate.fixedBytes) / estimate.perSampleBytes));
}

function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
