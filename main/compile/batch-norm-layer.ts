/**
 * Two things TensorFlow.js' BatchNormalization layer does not do as Keras does, fixed on the layer
 * class (its behaviour depends on the class only) for every backend:
 *
 * - A frozen layer (`trainable = false`) runs in inference mode, with its moving mean and variance,
 *   and leaves them as they are — Keras' rule since TensorFlow 2.0 ("setting trainable = False on a
 *   BatchNormalization layer ... the layer will run in inference mode"). tfjs-layers only leaves
 *   γ and β out of the trainable weights; it would still normalise with the batch's statistics and
 *   move the frozen averages.
 * - Without a shift (`center = false`) or a scale (`scale = false`), tfjs-layers 4.x cannot train:
 *   its training branch reads `this.gamma` and `this.beta` unconditionally. Here the batch is
 *   normalised with what the layer has, and the moving averages are updated as tfjs-layers does,
 *   v ← v − (v − batch value)·(1 − momentum), from the biased batch variance.
 *
 * Everything else (inference; training with both γ and β) runs the original `call`, so the wasm
 * backend's fused kernels (backends/wasm/training-layers.ts) still apply where they did.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { blendMovingStatistic, layerPrototype, type BatchNormFields } from './tfjs-layer-internals.ts';
import type { TensorFlow } from './to-tfjs.ts';

type Kwargs = { training?: boolean; [key: string]: unknown } | undefined;
type Call = (this: unknown, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Kwargs) => tfjs.Tensor | tfjs.Tensor[];

const PATCHED = Symbol.for('cnn-studio.batch-norm-as-keras');

/** Installs the fixes once per TensorFlow.js instance; compileGraph calls it. */
export function installBatchNormAsKeras(tf: TensorFlow): void {
  const prototype = layerPrototype(tf, 'BatchNormalization');
  if (prototype[PATCHED]) return;
  const original = prototype.call as Call;
  prototype.call = function (this: BatchNormFields, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Kwargs) {
    if (!kwargs?.training) return original.call(this, inputs, kwargs);
    if (!this.trainable) return original.call(this, inputs, { ...kwargs, training: false });
    if (this.center && this.scale) return original.call(this, inputs, kwargs);
    return trainWithoutShiftOrScale(tf, this, Array.isArray(inputs) ? inputs[0]! : inputs);
  } as Call;
  prototype[PATCHED] = true;
}

function trainWithoutShiftOrScale(tf: TensorFlow, layer: BatchNormFields, input: tfjs.Tensor): tfjs.Tensor {
  return tf.tidy(() => {
    const axis = layer.axis >= 0 ? layer.axis : layer.axis + input.rank;
    const reduction = Array.from({ length: input.rank }, (_, i) => i).filter((i) => i !== axis);
    const broadcast = Array.from({ length: input.rank }, (_, i) => (i === axis ? input.shape[axis]! : 1));
    const { mean, variance } = tf.moments(input, reduction, true);
    // What is missing is a constant 0 or 1, passed explicitly: some backends' gradients of
    // batchNorm expect both tensors.
    const shift = layer.center && layer.beta ? layer.beta.read().reshape(broadcast) : tf.zeros(broadcast);
    const scale = layer.scale && layer.gamma ? layer.gamma.read().reshape(broadcast) : tf.ones(broadcast);
    const output = tf.batchNorm(input, mean, variance, shift, scale, layer.epsilon);
    blendMovingStatistic(tf, layer.movingMean, mean, layer.momentum);
    blendMovingStatistic(tf, layer.movingVariance, variance, layer.momentum);
    return output;
  });
}
