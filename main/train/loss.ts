/**
 * The training loss: categorical cross-entropy, with label smoothing as PyTorch's
 * CrossEntropyLoss(label_smoothing=ε) defines it: against the targets (1 − ε)·one-hot + ε / K
 * for K classes (Szegedy et al. 2016, "Rethinking the Inception Architecture", section 7).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';

export type LossFunction = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

/**
 * The loss for a model whose output is `logits` (raw scores: softmax is applied inside the loss)
 * or probabilities (a softmax output block). Without smoothing it is exactly what the studio
 * always used: tfjs-layers' categoricalCrossentropy for probabilities.
 */
export function trainingLoss(tf: TensorFlow, logits: boolean, labelSmoothing: number): LossFunction {
  if (logits) return (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, labelSmoothing);
  if (labelSmoothing === 0) return (yTrue, yPred) => tf.metrics.categoricalCrossentropy(yTrue, yPred);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const classes = yTrue.shape[yTrue.shape.length - 1]!;
      return tf.metrics.categoricalCrossentropy(tf.add(tf.mul(yTrue, 1 - labelSmoothing), labelSmoothing / classes), yPred);
    });
}

/**
 * The smoothed targets (1 − ε)·y + ε / K of rows of `classes` one-hot targets, in float32 as
 * trainingLoss's tensors compute them: for a training program (backends/wasm/program/), which
 * takes any targets and so needs no loss of its own for smoothing.
 */
export function smoothTargets(targets: Float32Array, classes: number, labelSmoothing: number): Float32Array {
  const keep = Math.fround(1 - labelSmoothing);
  const spread = Math.fround(labelSmoothing / classes);
  return targets.map((y) => Math.fround(y * keep) + spread);
}
