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
 * always used: tfjs-layers' own categoricalCrossentropy for probabilities.
 */
export function trainingLoss(tf: TensorFlow, logits: boolean, labelSmoothing: number): LossFunction | 'categoricalCrossentropy' {
  if (logits) return (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, labelSmoothing);
  if (labelSmoothing === 0) return 'categoricalCrossentropy';
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const classes = yTrue.shape[yTrue.shape.length - 1]!;
      const targets = tf.add(tf.mul(yTrue, 1 - labelSmoothing), labelSmoothing / classes);
      return tf.metrics.categoricalCrossentropy(targets, yPred);
    });
}
