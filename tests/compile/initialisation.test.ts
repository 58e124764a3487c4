/**
 * Weight initialisation: Glorot uniform by default (Keras'; unchanged, so older runs repeat),
 * Kaiming normal and uniform on request, with PyTorch's fan-in: kernel height × width × input
 * channels for a convolution, × 1 for a depthwise one, inputs for Dense. Biases start at zero.
 * The spreads are checked against the hand-computed √(2 / fan_in) on kernels of thousands of values.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, type WeightInit } from '../../main/compile/to-tfjs.ts';
import { chainOf } from '../support/graphs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 8×8×16 → conv 3×3, 64 filters (fan-in 144) → depthwise 5×5 ×2 (fan-in 25) → global pooling → dense 300 (fan-in 128) → output. */
const design = () =>
  chainOf([8, 8, 16], [
    { type: 'conv2d', params: { filters: 64, kernelSize: 3, padding: 'same' } },
    { type: 'depthwiseConv2d', params: { kernelSize: 5, depthMultiplier: 2, padding: 'same' } },
    { type: 'globalAvgPool' },
    { type: 'dense', params: { units: 300 } },
    { type: 'output' },
  ]);

function kernels(init: WeightInit | undefined, seed = 3): Map<string, Float32Array> {
  const model = compileGraph(tf, design(), { seed, ...(init ? { init } : {}) });
  try {
    return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
  } finally {
    model.dispose();
  }
}

const std = (values: Float32Array) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
};
const largest = (values: Float32Array) => values.reduce((a, b) => Math.max(a, Math.abs(b)), 0);

describe('weight initialisation', () => {
  it('is Glorot uniform by default, the same weights as asking for it by name', () => {
    const byDefault = kernels(undefined);
    const glorot = kernels('glorot');
    for (const [name, values] of byDefault) expect([...glorot.get(name)!], name).toEqual([...values]);
    // Glorot uniform's bound √(6 / (fan_in + fan_out)) for the conv: √(6 / (144 + 576)).
    expect(largest(byDefault.get('b1/kernel')!)).toBeLessThanOrEqual(Math.sqrt(6 / 720));
  });

  it("Kaiming normal has PyTorch's spread √(2 / fan_in) for convolutions, depthwise convolutions and Dense", () => {
    const weights = kernels('kaimingNormal');
    // 9,216 conv values, 800 depthwise values, 38,400 dense values: the sample spread is within a few per cent.
    expect(std(weights.get('b1/kernel')!) / Math.sqrt(2 / 144)).toBeCloseTo(1, 1);
    expect(std(weights.get('b2/depthwise_kernel')!) / Math.sqrt(2 / 25)).toBeCloseTo(1, 1);
    expect(std(weights.get('b4/kernel')!) / Math.sqrt(2 / 128)).toBeCloseTo(1, 1);
    // A normal, not a truncated one: values beyond two spreads occur (about 4.6 % of them).
    const beyond = [...weights.get('b1/kernel')!].filter((v) => Math.abs(v) > 2 * Math.sqrt(2 / 144)).length / 9216;
    expect(beyond).toBeGreaterThan(0.03);
  });

  it('Kaiming uniform stays within √(6 / fan_in) and reaches near it', () => {
    const weights = kernels('kaimingUniform');
    for (const [name, fanIn] of [['b1/kernel', 144], ['b2/depthwise_kernel', 25], ['b4/kernel', 128]] as const) {
      const bound = Math.sqrt(6 / fanIn);
      expect(largest(weights.get(name)!), name).toBeLessThanOrEqual(bound);
      expect(largest(weights.get(name)!), name).toBeGreaterThan(0.97 * bound);
    }
  });

  it('starts every bias at zero and repeats for the same seed', () => {
    const weights = kernels('kaimingNormal');
    for (const name of ['b1/bias', 'b2/bias', 'b4/bias']) expect(largest(weights.get(name)!), name).toBe(0);
    expect([...kernels('kaimingNormal').get('b1/kernel')!]).toEqual([...weights.get('b1/kernel')!]);
    expect([...kernels('kaimingNormal', 4).get('b1/kernel')!]).not.toEqual([...weights.get('b1/kernel')!]);
  });
});
