/**
 * How much memory training a design takes, estimated from its analysis alone, so that a design
 * too large for the backend is refused before a training process starts (and the editor could
 * show the figure while you design). Pure: no Node.js, no TensorFlow.js. All values float32.
 *
 *   total      = parameters + training step + evaluation step
 *   parameters = weights + gradients + optimizer slots (Momentum 1, Adam 2) + the step's temporaries
 *   training   = batch × (activations per sample × ACTIVATION_FACTOR + one image and its label)
 *   evaluation = 500 test images and their scores + 32 × (the widest block's inputs and output) × 2
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
/** LayersModel.predict's own batch: inference keeps only a block's inputs and output alive. */
export const PREDICT_BATCH = 32;

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
  /** Everything below together, in bytes. */
  totalBytes: number;
  batchSize: number;
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
  /** What does not depend on the batch size: parameters, optimizer and evaluation. */
  fixedBytes: number;
}

/** Null when the graph is not valid (no shapes to count). */
export function estimateTrainingMemory(analysis: GraphAnalysis, settings: TrainingMemorySettings): TrainingMemoryEstimate | null {
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
  const evaluationBytes = EVALUATION_IMAGES * sampleBytes + PREDICT_BATCH * widestStep * 2;
  const fixedBytes = weightsBytes + gradientBytes + optimizerBytes + evaluationBytes;
  const perSampleBytes = analysis.totals.activationBytes * ACTIVATION_FACTOR + sampleBytes;
  const batch = settings.batchSize;
  return {
    totalBytes: fixedBytes + batch * perSampleBytes,
    batchSize: batch,
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

/** The largest batch whose estimate fits in `limitBytes`; 0 when not even one sample fits. */
export function largestBatchWithin(estimate: TrainingMemoryEstimate, limitBytes: number): number {
  return Math.max(0, Math.floor((limitBytes - estimate.fixedBytes) / estimate.perSampleBytes));
}

function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
