/**
 * Loading the wasm backend in Node.js: points it at the .wasm binaries shipped in
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/, picks the threaded SIMD build when more than
 * one thread is wanted (see threads.ts for why TensorFlow.js would not), switches to it and
 * registers the fast kernels (register.ts).
 *
 * SIMD is detected by the backend itself (WebAssembly.validate on a SIMD probe; Node 20 has it);
 * the single-threaded path then loads tfjs-backend-wasm-simd.wasm.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import type { TensorFlow } from './heap.ts';
import { registerFastWasmKernels } from './register.ts';
import { registerThreadedWasmBackend } from './threads.ts';

export interface WasmSetup {
  backend: string;
  simd: boolean;
  /** XNNPACK's thread count (1 for the single-threaded build). */
  threads: number;
  threaded: boolean;
}

export interface WasmSetupOptions {
  /** Register the hand-written kernels (default true). */
  fastKernels?: boolean;
  /**
   * XNNPACK threads; 1 loads the single-threaded build. 'auto' (default): one per core but one
   * (the main thread also runs the JavaScript and the generated SIMD kernels, which do not use the
   * pool), so 1 on a 2-core machine, where a second thread stalls whenever anything else runs.
   */
  threads?: number | 'auto';
}

let pathsSet = false;

/** The folder holding the backend's .wasm files, with a trailing slash. */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

export async function setupWasmBackend(tf: TensorFlow, options: WasmSetupOptions = {}): Promise<WasmSetup> {
  const wanted = options.threads === undefined || options.threads === 'auto' ? Math.max(1, Math.min(availableParallelism() - 1, 8)) : options.threads;
  if (!pathsSet) {
    wasmBackend.setWasmPaths(wasmBinaryFolder());
    pathsSet = true;
  }
  let threaded = false;
  const alreadyUp = tf.engine().registry.wasm !== undefined;
  if (!alreadyUp && wanted > 1) {
    const plain = tf.findBackendFactory('wasm');
    registerThreadedWasmBackend(tf, wanted);
    threaded = await tf.setBackend('wasm');
    if (!threaded && plain) {
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', plain, 2);
    }
  }
  if (!threaded && !(await tf.setBackend('wasm'))) throw new Error('could not initialise the wasm backend');
  if (options.fastKernels ?? true) registerFastWasmKernels(tf);
  return {
    backend: tf.getBackend(),
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
    threads: wasmBackend.getThreadsCount(),
    threaded: threaded || ('PThread' in ((tf.backend() as unknown as { wasm: object }).wasm)),
  };
}
