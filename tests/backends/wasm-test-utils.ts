/**
 * Shared set-up for the wasm kernel tests: one TensorFlow.js instance with the wasm backend (and
 * the fast kernels) initialised once, helpers to run a kernel on the cpu backend and on the wasm
 * backend from the same random data, and an error measure relative to the size of the values.
 */
import * as tf from '@tensorflow/tfjs';
import { setupWasmBackend } from '../../main/backends/wasm/setup.ts';

export { tf };

let ready: Promise<unknown> | undefined;
export function wasmReady(): Promise<unknown> {
  ready ??= setupWasmBackend(tf, { threads: 1 });
  return ready;
}

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32). */
export function randomValues(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let a = seed >>> 0;
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `f` with `backend` active and returns the values of the tensors it returns. */
export async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

/** max |a − b| / max(1, max |b|). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= err)) err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
