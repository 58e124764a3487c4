import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../../main/backends/wasm/batch-norm.ts';
import { setSimdEnabled } from '../../main/backends/wasm/simd-kernels.ts';
import { onBackend, randomValues, relativeError, sizeOf, tf, wasmReady } from './wasm-test-utils.ts';

/**
 * The loss uses all three outputs, so the gradient also flows through μ and σ²:
 * L = Σ y·w + Σ μ·a + Σ σ²·b.
 */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, w: tf.Tensor, a: tf.Tensor, b: tf.Tensor, eps: number) {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const f = (xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
    const { mean, variance } = tf.moments(xx, axes);
    const y = tf.batchNorm(xx, mean, variance, bb, g, eps);
    return { y, mean, variance };
  };
  const { y, mean, variance } = f(x, gamma, beta);
  const grads = tf.grads((xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
    const o = f(xx, g, bb);
    return tf.addN([tf.sum(tf.mul(o.y, w)), tf.sum(tf.mul(o.mean, a)), tf.sum(tf.mul(o.variance, b))]);
  })([x, gamma, beta]);
  return [y, mean, variance, ...grads];
}

function fused(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, w: tf.Tensor, a: tf.Tensor, b: tf.Tensor, eps: number) {
  const outs = batchNormTraining(tf, x, gamma, beta, eps);
  const grads = tf.grads((xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
    const [y, mean, variance] = batchNormTraining(tf, xx, g, bb, eps);
    return tf.addN([tf.sum(tf.mul(y, w)), tf.sum(tf.mul(mean, a)), tf.sum(tf.mul(variance, b))]);
  })([x, gamma, beta]);
  return [...outs, ...grads];
}

const shapes: number[][] = [
  [2, 5, 5, 8],
  [3, 4, 6, 16],
  [64, 6, 6, 16], // more than one 256-pixel block
  [2, 3, 3, 3], // C not a multiple of 4
  [2, 2, 2, 132], // C above the SIMD limit
  [7, 12], // rank 2
  [1, 1, 1, 4],
];

describe('fused batch normalisation (training) on wasm', () => {
  beforeAll(wasmReady);
  afterEach(() => setSimdEnabled(true));

  for (const simd of [true, false]) {
    for (const shape of shapes) {
      for (const offset of [0, 100]) {
        it(`${simd ? 'SIMD' : 'JS'} ${JSON.stringify(shape)} offset ${offset}`, async () => {
          setSimdEnabled(simd);
          const c = shape[shape.length - 1]!;
          const xv = randomValues(sizeOf(shape), 11).map((v, i) => v * (1 + (i % c) / 3) + offset);
          const gv = randomValues(c, 12).map((v) => v + 1.5);
          const bv = randomValues(c, 13);
          const wv = randomValues(sizeOf(shape), 14);
          const av = randomValues(c, 15);
          const b2 = randomValues(c, 16);
          const eps = 1e-3;
          const make = () => [tf.tensor(xv, shape), tf.tensor(gv, [c]), tf.tensor(bv, [c]), tf.tensor(wv, shape), tf.tensor(av, [c]), tf.tensor(b2, [c])] as const;
          const expected = await onBackend('cpu', () => reference(...make(), eps));
          const before = tf.memory().numTensors;
          const actual = await onBackend('wasm', () => fused(...make(), eps));
          expect(tf.memory().numTensors).toBe(before);
          const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
          names.forEach((name, i) => {
            // The mean carries the offset; compare it relative to the offset's size.
            const scale = name === 'mean' ? Math.max(1, offset) : 1;
            expect(relativeError(actual[i]!, expected[i]!) / scale, name).toBeLessThan(2e-4);
          });
        });
      }
    }
  }
});

describe('batch normalisation at inference (FusedBatchNorm) on wasm', () => {
  beforeAll(wasmReady);
  afterEach(() => setSimdEnabled(true));

  // With and without scale and offset, channels in fours (the SIMD pass) and not (the backend's
  // own kernel), statistics per channel and not (a broadcast the SIMD pass leaves to the backend).
  const cases: [string, number[], { scale: boolean; offset: boolean; rank1: boolean }][] = [
    ['16 channels, scale and offset', [64, 6, 6, 16], { scale: true, offset: true, rank1: true }],
    ['8 channels, no scale', [3, 5, 7, 8], { scale: false, offset: true, rank1: true }],
    ['4 channels, no offset, rank 2', [9, 4], { scale: true, offset: false, rank1: true }],
    ['3 channels', [2, 3, 3, 3], { scale: true, offset: true, rank1: true }],
    ['statistics of shape [1, 1, 1, C]', [2, 4, 4, 8], { scale: true, offset: true, rank1: false }],
  ];
  for (const simd of [true, false]) {
    for (const [name, shape, { scale, offset, rank1 }] of cases) {
      it(`${simd ? 'SIMD' : 'JS'} ${name}`, async () => {
        setSimdEnabled(simd);
        const c = shape[shape.length - 1]!;
        const statShape = rank1 ? [c] : [...shape.slice(0, -1).map(() => 1), c];
        const xv = randomValues(sizeOf(shape), 21).map((v, i) => 3 * v + (i % c));
        const mean = randomValues(c, 22).map((v) => v + 1);
        const variance = randomValues(c, 23).map((v) => v * v + 0.5);
        const gamma = randomValues(c, 24).map((v) => v + 1.5);
        const beta = randomValues(c, 25);
        const run = () =>
          tf.batchNorm(
            tf.tensor(xv, shape),
            tf.tensor(mean, statShape),
            tf.tensor(variance, statShape),
            offset ? tf.tensor(beta, statShape) : undefined,
            scale ? tf.tensor(gamma, statShape) : undefined,
            1e-3,
          );
        const [expected] = await onBackend('cpu', run);
        const before = tf.memory().numTensors;
        const [actual] = await onBackend('wasm', run);
        expect(tf.memory().numTensors).toBe(before);
        expect(relativeError(actual!, expected!)).toBeLessThan(1e-5);
      });
    }
  }
});
