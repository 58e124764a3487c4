/**
 * Dropout as one kernel whose mask is never stored: y = x·m with m = 1/(1 − rate) where u ≥ rate
 * and 0 elsewhere, u uniform on [0, 1); the gradient dx = dy·m regenerates the same m from the
 * seed kept in the op's attributes.
 *
 * TensorFlow.js draws u one element at a time through seedrandom's alea in JavaScript (~10 ns per
 * element, the largest cost outside kernels in a training step) and then runs Add, Floor, RealDiv
 * and Multiply over it. A kernel that returned the mask as a second output would not do either:
 * the engine hands every output without a gradient a zero-filled dy, built in JavaScript and copied
 * into the heap (1.2 M floats a step for round 10).
 *
 * The stream: four xoshiro128** generators, element i drawing a u32 from generator i mod 4, kept
 * when the u32 ≥ ⌊rate·2³²⌋ (so the keep probability is exact to 2⁻³²). WebAssembly SIMD runs the
 * four side by side (simd-kernels.ts); JavaScript finishes the last n mod 4 elements from the
 * state the SIMD loop leaves, or does everything when SIMD is unavailable — the same numbers
 * either way. The state comes from the layer's `seed` when it has one (the trainer gives every
 * Dropout layer a new seed from the run's seed before each batch, train/dropout-seeds.ts), so a
 * run repeats exactly; without one, from Math.random. The masks differ from TensorFlow.js's own
 * for the same seed (its alea stream is not reproduced), but they are as repeatable.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

export const DROPOUT = 'CnnStudioDropout';
export const DROPOUT_GRAD = 'CnnStudioDropoutGrad';

/**
 * A new state: 4 generators × (s0, s1, s2, s3), stored as s0 of every generator, then s1, …, drawn
 * from `random` (uniform on [0, 1)): Math.random, or a seeded stream for a repeatable mask.
 */
export function dropoutSeed(random: () => number = Math.random): number[] {
  const seed = Array.from({ length: 16 }, () => (random() * 4294967296) >>> 0);
  for (let lane = 0; lane < 4; lane++) seed[lane] ||= 1; // no all-zero generator
  return seed;
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/** out = input·m over n elements, for the stream given by `seed` (see the file comment). */
function applyMask(backend: BackendWasm, input: TensorInfo, out: TensorInfo, rate: number, seed: number[]): void {
  const keepScale = 1 / (1 - rate);
  const threshold = Math.min(Math.floor(rate * 4294967296), 4294967295);
  const n = input.shape.reduce((a, b) => a * b, 1);
  const state = Uint32Array.from(seed);
  let done = 0;
  const simd = simdFor(backend);
  if (simd && n >= 4) {
    const stateAt = simd.scratch + 4096;
    const heapState = new Uint32Array(simd.view(stateAt, 16).buffer, stateAt, 16);
    heapState.set(state);
    simd.flat.dropout(offsetOf(backend, input), offsetOf(backend, out), n >> 2, stateAt, threshold | 0, keepScale);
    state.set(heapState);
    done = n & ~3;
  }
  const xs = f32(backend, input);
  const ys = f32(backend, out);
  for (let i = done; i < n; i++) {
    const lane = i & 3;
    let s0 = state[lane]!;
    let s1 = state[4 + lane]!;
    let s2 = state[8 + lane]!;
    let s3 = state[12 + lane]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    state[lane] = s0;
    state[4 + lane] = s1;
    state[8 + lane] = s2;
    state[12 + lane] = s3;
    ys[i] = xs[i]! * keepScale * ((r >= threshold) as unknown as number);
  }
}

function forward({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = inputs.x!;
  const y = alloc(backend, x.shape);
  applyMask(backend, x, y, attrs!.rate as number, attrs!.seed as number[]);
  return y;
}

function backward({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = inputs.dy!;
  const dx = alloc(backend, dy.shape);
  applyMask(backend, dy, dx, attrs!.rate as number, attrs!.seed as number[]);
  return dx;
}

export function dropoutKernels(): tfjs.KernelConfig[] {
  return [
    { kernelName: DROPOUT, backendName: 'wasm', kernelFunc: forward as unknown as tfjs.KernelFunc },
    { kernelName: DROPOUT_GRAD, backendName: 'wasm', kernelFunc: backward as unknown as tfjs.KernelFunc },
  ];
}

/** Dropout of x at `rate` (0 ≤ rate < 1); `seed` fixes the mask (default: a fresh one). */
export function dropout(tf: TensorFlow, x: tfjs.Tensor, rate: number, seed: number[] = dropoutSeed()): tfjs.Tensor {
  return tf.engine().runKernel(DROPOUT, { x }, { rate, seed }) as tfjs.Tensor;
}

export function registerDropoutGradient(tf: TensorFlow): void {
  tf.registerGradient({
    kernelName: DROPOUT,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.engine().runKernel(DROPOUT_GRAD, { dy: dy as tfjs.Tensor }, attrs) as tfjs.Tensor,
    }),
  });
}
