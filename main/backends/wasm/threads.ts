/**
 * Starting the wasm backend's threaded SIMD build under Node.js.
 *
 * The build works in Node 20 (Emscripten pthreads on worker_threads, a shared WebAssembly.Memory,
 * Atomics.wait on the main thread), but TensorFlow.js never picks it there, for three reasons,
 * each handled here:
 *  1. The flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false when IS_NODE (tfjs issue #3830).
 *     We do not use the backend's init(); we call the threaded Emscripten factory ourselves and
 *     register a BackendWasm around the module under the name 'wasm'.
 *  2. init() hands Emscripten the pthread worker script and the main script as Blob URLs, which
 *     Node's worker_threads cannot load. The worker script (shipped as a string in
 *     wasm-out/*.worker.js) is written to a file in the temp folder, and the main script is given
 *     as the path of wasm-out/tfjs-backend-wasm-threaded-simd.js.
 *  3. The C++ side caps XNNPACK's pool at emscripten_num_logical_cores() / 2 (it assumes two
 *     hyper-threads per core), i.e. one thread on a 2-vCPU machine. We instantiate the module
 *     ourselves (Module.instantiateWasm) and answer that import with twice the wanted count.
 * Emscripten pre-starts 8 workers, so at most 8 threads. Only XNNPACK operators (convolutions,
 * some binary ops) use the pool; kernels written in JavaScript run on the main thread.
 * The pool's threads run for ever and Emscripten ref()s the worker of every running pthread, so
 * Node would never exit; once they have started we unref() them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import type { TensorFlow } from './heap.ts';

interface PthreadWorker {
  loaded?: boolean;
  runPthread?: unknown;
  unref(): void;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  tfjs?: Record<string, unknown>;
  wasmMemory?: WebAssembly.Memory;
  PThread?: { runningWorkers: PthreadWorker[]; unusedWorkers: PthreadWorker[] };
}

/** Waits (≤ 5 s) until the pool's pthreads run, then lets Node exit regardless of them. */
async function releasePoolWorkers(module: EmscriptenModule): Promise<void> {
  const pthread = module.PThread;
  if (!pthread) return;
  const started = () => pthread.runningWorkers.every((w) => w.loaded && w.runPthread === undefined);
  for (let waited = 0; !started() && waited < 5000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const worker of [...pthread.runningWorkers, ...pthread.unusedWorkers]) worker.unref();
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

function packageFolder(): string {
  const require = createRequire(import.meta.url);
  return dirname(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
}

function workerScript(folder: string): string {
  const require = createRequire(import.meta.url);
  const { wasmWorkerContents } = require(join(folder, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The string's "\n" escapes became real newlines inside string literals; put them back (as tfjs
  // does before making its Blob).
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const file = join(tmpdir(), `cnn-studio-tfjs-wasm-${wasmBackend.version_wasm}-pthread-worker.cjs`);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(file, text);
  return file;
}

/** Loads the threaded SIMD module with `threads` XNNPACK threads (1–8). */
export async function loadThreadedModule(threads: number): Promise<EmscriptenModule> {
  const folder = packageFolder();
  const require = createRequire(import.meta.url);
  const mainScript = join(folder, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as Factory;
  const worker = workerScript(folder);
  const binary = readFileSync(join(folder, 'dist/tfjs-backend-wasm-threaded-simd.wasm'));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  const module = await factory({
    mainScriptUrlOrBlob: mainScript,
    wasmMemory: memory,
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? worker : prefix + path),
    instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(binary, imports as unknown as WebAssembly.Imports).then(({ instance, module }) => receive(instance, module));
      return {};
    },
  });
  module.wasmMemory = memory;
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Replaces the 'wasm' backend registration by one that runs the threaded build. Must run before
 * the wasm backend is first initialised (afterwards, call tf.removeBackend('wasm') first).
 */
export function registerThreadedWasmBackend(tf: TensorFlow, threads: number): void {
  const count = Math.max(1, Math.min(8, Math.floor(threads)));
  wasmBackend.setThreadsCount(count);
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await loadThreadedModule(count);
      // The constructor creates XNNPACK's thread pool (pthread_create for count − 1 threads).
      const backend = new wasmBackend.BackendWasm(module as unknown as ConstructorParameters<typeof wasmBackend.BackendWasm>[0]);
      await releasePoolWorkers(module);
      return backend;
    },
    2,
  );
}
