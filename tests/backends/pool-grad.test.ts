import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setSimdEnabled } from '../../main/backends/wasm/simd-kernels.ts';
import { onBackend, randomValues, relativeError, sizeOf, tf, wasmReady } from './wasm-test-utils.ts';

interface Case {
  shape: [number, number, number, number];
  size: [number, number];
  stride: [number, number];
  pad: 'valid' | 'same' | number;
  ties?: boolean;
}

const cases: Case[] = [
  { shape: [2, 8, 8, 4], size: [2, 2], stride: [2, 2], pad: 'valid' },
  { shape: [3, 9, 7, 8], size: [2, 2], stride: [2, 2], pad: 'valid' }, // odd sides: last row/column get nothing
  { shape: [2, 6, 6, 16], size: [2, 2], stride: [2, 2], pad: 'valid', ties: true },
  { shape: [2, 6, 6, 3], size: [2, 2], stride: [2, 2], pad: 'valid' }, // C not a multiple of 4
  { shape: [2, 7, 7, 5], size: [3, 3], stride: [1, 1], pad: 'same' },
  { shape: [1, 9, 9, 4], size: [3, 3], stride: [2, 2], pad: 'valid', ties: true },
  { shape: [2, 8, 8, 2], size: [2, 3], stride: [1, 2], pad: 'same' },
  { shape: [2, 10, 10, 4], size: [5, 5], stride: [2, 2], pad: 'same' },
  { shape: [2, 6, 6, 16], size: [6, 6], stride: [6, 6], pad: 'valid' }, // round 10's global average pool
  { shape: [1, 5, 5, 2], size: [3, 3], stride: [2, 2], pad: 1 },
];

function label(c: Case): string {
  return `${c.shape} pool ${c.size} stride ${c.stride} pad ${c.pad}${c.ties ? ' (ties)' : ''}`;
}

describe('pooling gradients on wasm', () => {
  beforeAll(wasmReady);
  afterEach(() => setSimdEnabled(true));

  for (const simd of [true, false]) {
    it.each(cases.map((c) => [label(c), c] as const))(`${simd ? 'SIMD' : 'JS'} %s`, async (_, c) => {
      setSimdEnabled(simd);
      // With ties, values are small integers, so the first maximum of each window must win.
      const x = randomValues(sizeOf(c.shape), 21).map((v) => (c.ties ? Math.round(v * 2) : v));
      const grads = (backend: 'cpu' | 'wasm') =>
        onBackend(backend, () => {
          const xt = tf.tensor4d(x, c.shape);
          const dyOf = (y: tf.Tensor) => tf.tensor(randomValues(y.size, 22), y.shape);
          const maxGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, c.size, c.stride, c.pad), dyOf(tf.maxPool(xt, c.size, c.stride, c.pad)))))(xt);
          const avgGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, c.size, c.stride, c.pad), dyOf(tf.avgPool(xt, c.size, c.stride, c.pad)))))(xt);
          return [maxGrad, avgGrad];
        });
      const [cpuMax, cpuAvg] = await grads('cpu');
      const [wasmMax, wasmAvg] = await grads('wasm');
      expect(relativeError(wasmMax!, cpuMax!), 'MaxPoolGrad').toBeLessThan(1e-5);
      expect(relativeError(wasmAvg!, cpuAvg!), 'AvgPoolGrad').toBeLessThan(1e-5);
    });
  }
});
