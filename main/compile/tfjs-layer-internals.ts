/**
 * What the studio reaches inside tfjs-layers 4.x to patch a layer class: a class's prototype by its
 * registered name, and the fields of a BatchNormalization layer. Two patches use them: the Keras
 * behaviour of frozen and shift- or scale-less BatchNorm (batch-norm-layer.ts), on every backend,
 * and the wasm backend's fused training kernels (backends/wasm/training-layers.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';

export interface LayerVariable {
  read(): tfjs.Tensor;
  write(value: tfjs.Tensor): void;
}

/** A BatchNormalization layer's fields; γ and β are absent without `scale` and `center`. */
export interface BatchNormFields {
  trainable: boolean;
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: LayerVariable;
  beta?: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

/** The prototype of the tfjs-layers class registered as `className`; throws when there is none. */
export function layerPrototype(tf: typeof tfjs, className: string): Record<string | symbol, unknown> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs-layers has no ${className} class`);
  return (entry[0] as unknown as { prototype: Record<string | symbol, unknown> }).prototype;
}

/**
 * Moves a BatchNorm moving statistic towards this batch's value as tfjs-layers does:
 * v ← v − (v − batch value)·(1 − momentum). `value` may have any shape of the same size.
 */
export function blendMovingStatistic(tf: typeof tfjs, variable: LayerVariable, value: tfjs.Tensor, momentum: number): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.sub(old, tf.mul(tf.sub(old, value.reshape(old.shape)), 1 - momentum)));
  });
}
