/**
 * Loading the wasm backend in Node.js: points it at the .wasm binaries shipped in
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/, switches to it and registers the fast kernels.
 *
 * SIMD is detected by the backend itself (WebAssembly.validate on a SIMD probe; Node 20 has it).
 * Threads: the backend refuses its threaded build under Node (flag WASM_HAS_MULTITHREAD_SUPPORT is
 * hard-wired to false there, tfjs issue #3830), see threads.ts for what it takes to run it anyway.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import type { TensorFlow } from './heap.ts';
import { registerFastWasmKernels } from './register.ts';

export interface WasmSetup {
  backend: string;
  simd: boolean;
  threads: number;
}

export interface WasmSetupOptions {
  /** Register the hand-written kernels (default true). */
  fastKernels?: boolean;
}

let pathsSet = false;

/** The folder holding the backend's .wasm files, with a trailing slash. */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

export async function setupWasmBackend(tf: TensorFlow, options: WasmSetupOptions = {}): Promise<WasmSetup> {
  if (!pathsSet && tf.findBackend('wasm') === null) {
    wasmBackend.setWasmPaths(wasmBinaryFolder());
    pathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the wasm backend');
  if (options.fastKernels ?? true) registerFastWasmKernels(tf);
  return {
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean,
    threads: wasmBackend.getThreadsCount(),
  };
}
