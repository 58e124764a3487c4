/**
 * One replica's share of a training step: the forward and backward pass over its slice of the
 * batch. What tfjs-layers' trainOnBatch computes (LayersModel.makeTrainFunction: the compiled loss,
 * averaged, plus the regularisers' penalties), without the optimizer step, so that the gradients
 * of several slices can be added up before one update.
 *
 * A slice of b images out of a batch of B contributes (b / B)·mean loss over its images, so the
 * slices' gradients add up to the gradient of the mean loss over the whole batch: the batch size
 * and the learning rate mean what they mean on one thread. The regularisers' penalties belong to
 * the batch, not to a slice; one replica (the first) adds them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../../compile/to-tfjs.ts';

export interface SliceGradients {
  /** One gradient per trainable weight, in `model.trainableWeights` order. The caller disposes them. */
  grads: tfjs.Tensor[];
  /** This slice's part of the batch loss: (b / B)·its mean loss, plus the penalties when asked. */
  loss: number;
  /** Images of the slice whose highest score is their label (the first highest, as tf.argMax). */
  correct: number;
}

/** The trainable variables behind a model's trainable weights (LayerVariable keeps its Variable in `val`). */
export function trainableVariables(model: tfjs.LayersModel): tfjs.Variable[] {
  return model.trainableWeights.map((weight) => (weight as unknown as { val: tfjs.Variable }).val);
}

/**
 * Gradients of `share`·mean loss over the images `x` (one-hot `y`, labels `labels`), plus the
 * regularisers' penalties when `penalties`. The model must be compiled (its loss is used).
 */
export function sliceGradients(
  tf: TensorFlow,
  model: tfjs.LayersModel,
  x: tfjs.Tensor,
  y: tfjs.Tensor,
  labels: ArrayLike<number>,
  share: number,
  penalties: boolean,
): SliceGradients {
  const lossFunction = model.lossFunctions[0]!;
  const variables = trainableVariables(model);
  let output: tfjs.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const prediction = model.apply(x, { training: true }) as tfjs.Tensor;
    output = tf.keep(prediction);
    let loss = tf.mean(lossFunction(y, prediction));
    if (share !== 1) loss = tf.mul(loss, share);
    if (penalties) for (const penalty of model.calculateLosses()) loss = tf.add(loss, penalty);
    return loss as tfjs.Scalar;
  }, variables);
  try {
    const scores = output!.dataSync();
    const classes = output!.shape[1]!;
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores[i * classes + c]! > scores[i * classes + best]!) best = c;
      if (best === labels[i]) correct++;
    }
    return { grads: variables.map((v) => grads[v.name]!), loss: value.dataSync()[0]!, correct };
  } finally {
    value.dispose();
    output?.dispose();
  }
}
