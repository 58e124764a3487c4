/**
 * Dropout as one kernel: y = x·m with m = 1/(1 − rate) where u ≥ rate and 0 elsewhere, u uniform
 * on [0, 1); the mask m is the kernel's second output and the gradient is dx = dy·m.
 *
 * TensorFlow.js draws u one element at a time through seedrandom's alea in JavaScript (~10 ns per
 * element, the largest cost outside kernels in a training step) and then runs Add, Floor, RealDiv
 * and Multiply over it. Here u comes from xoshiro128** (seeded per call from Math.random), compared
 * as an unsigned 32-bit integer against rate·2³², so the keep probability is exact to 2⁻³².
 * A layer with a fixed seed keeps TensorFlow.js's own dropout (its stream cannot be reproduced).
 * The loop runs as WebAssembly SIMD (four xoshiro streams side by side, simd-kernels.ts) when it
 * can; JavaScript finishes the last n mod 4 elements and is the fallback.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

function randomU32(): number {
  return (Math.random() * 4294967296) >>> 0;
}

export const DROPOUT = 'CnnStudioDropout';

function forward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const x = inputs.x!;
  const rate = attrs!.rate as number;
  const y = alloc(backend, x.shape);
  const mask = alloc(backend, x.shape);
  const keepScale = 1 / (1 - rate);
  const threshold = Math.min(Math.floor(rate * 4294967296), 4294967295);
  const n = x.shape.reduce((a, b) => a * b, 1);
  let done = 0;
  const simd = simdFor(backend);
  if (simd) {
    const stateAt = simd.scratch + 4096;
    const state = new Uint32Array(simd.view(stateAt, 16).buffer, stateAt, 16);
    for (let k = 0; k < 16; k++) state[k] = randomU32();
    for (let lane = 0; lane < 4; lane++) state[lane] ||= 1; // s0 of each stream non-zero
    simd.flat.dropout(offsetOf(backend, x), offsetOf(backend, y), offsetOf(backend, mask), n >> 2, stateAt, threshold | 0, keepScale);
    done = n & ~3;
  }
  const xs = f32(backend, x);
  const ys = f32(backend, y);
  const ms = f32(backend, mask);
  // xoshiro128**, state from Math.random (never all zero).
  let s0 = randomU32() || 1;
  let s1 = randomU32();
  let s2 = randomU32();
  let s3 = randomU32();
  for (let i = done; i < n; i++) {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const m = keepScale * ((r >= threshold) as unknown as number);
    ms[i] = m;
    ys[i] = xs[i]! * m;
  }
  return [y, mask];
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

export function dropoutKernel(): tfjs.KernelConfig {
  return { kernelName: DROPOUT, backendName: 'wasm', kernelFunc: forward as unknown as tfjs.KernelFunc };
}

export function dropout(tf: TensorFlow, x: tfjs.Tensor, rate: number): tfjs.Tensor {
  const [y] = tf.engine().runKernel(DROPOUT, { x }, { rate }) as unknown as tfjs.Tensor[];
  return y!;
}

export function registerDropoutGradient(tf: TensorFlow): void {
  tf.registerGradient({
    kernelName: DROPOUT,
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [dy] = dys as tfjs.Tensor[];
      const [mask] = saved as tfjs.Tensor[];
      return { x: () => tf.mul(dy!, mask!) };
    },
  });
}
