/**
 * The backend ladder: CUDA through tfjs-node-gpu, native CPU through tfjs-node, the embedded wasm
 * backend, then plain JavaScript. The two native packages are optional dependencies whose
 * install step downloads libtensorflow, so they may be missing; every backend is reported as
 * available or with the exact reason it is not, and a backend the user asks for is never swapped
 * for another behind their back.
 */
import * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { StudioError } from '../errors.ts';
import { BACKENDS, type BackendName, type BackendStatus } from './types.ts';
import { defaultThreads } from '../train/threads.ts';
import { wasmFeatures } from './wasm/features.ts';
import { setupWasmBackend } from './wasm/setup.ts';

export { BACKENDS, type BackendName, type BackendStatus };

export const BACKEND_LABELS: Record<BackendName, string> = {
  'node-gpu': 'TensorFlow with CUDA (@tensorflow/tfjs-node-gpu)',
  node: 'TensorFlow on the CPU (@tensorflow/tfjs-node)',
  wasm: 'WebAssembly (@tensorflow/tfjs-backend-wasm, embedded)',
  cpu: 'plain JavaScript (@tensorflow/tfjs, slow)',
};

const NATIVE_PACKAGES = { 'node-gpu': '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node' } as const;

export interface LoadedBackend {
  name: BackendName;
  tf: TensorFlow;
  detail: string;
}

export class BackendUnavailableError extends StudioError {
  override name = 'BackendUnavailableError';
}

/** How a package is imported; tests replace it to simulate missing or broken installs. */
export type PackageImporter = (name: string) => Promise<unknown>;
const importPackage: PackageImporter = (name) => import(name);

export interface BackendOptions {
  importer?: PackageImporter;
  /**
   * The wasm backend's XNNPACK threads: 1 in a training process, whose replicas are the threads
   * (train/parallel/); 'auto' (default) for inference elsewhere (wasm/setup.ts).
   */
  wasmThreads?: number | 'auto';
}

export async function loadBackend(name: BackendName, options: BackendOptions = {}): Promise<LoadedBackend> {
  const importer = options.importer ?? importPackage;
  // Warnings such as "install the node backend" are for developers, not users of the studio.
  tfjs.env().set('PROD', true);
  switch (name) {
    case 'node-gpu':
    case 'node':
      return loadNative(name, importer);
    case 'wasm': {
      try {
        const setup = await setupWasmBackend(tfjs, { threads: options.wasmThreads ?? 'auto' });
        // What training gets: the generated kernels' instruction set and one thread per core (train/threads.ts).
        const features = wasmFeatures();
        return { name, tf: tfjs, detail: `${setup.simd ? 'SIMD' : 'no SIMD'}${features.fma ? ', FMA' : ''}, ${threadsWord(defaultThreads())}` };
      } catch (error) {
        throw new BackendUnavailableError(`the wasm backend failed to start: ${firstLine(error)}`);
      }
    }
    case 'cpu':
      if (!(await tfjs.setBackend('cpu'))) throw new BackendUnavailableError('the cpu backend failed to start');
      return { name, tf: tfjs, detail: `always available, ${threadsWord(defaultThreads())}` };
  }
}

/** The first backend of the ladder that loads. */
export async function loadFastestBackend(options: BackendOptions = {}): Promise<LoadedBackend> {
  const reasons: string[] = [];
  for (const name of BACKENDS) {
    try {
      return await loadBackend(name, options);
    } catch (error) {
      reasons.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new BackendUnavailableError(`no backend could be loaded (${reasons.join('; ')})`);
}

/** Every backend, loaded in turn, with what loaded or why not. Leaves the fastest one active. */
export async function detectBackends(options: BackendOptions = {}): Promise<BackendStatus[]> {
  const statuses: BackendStatus[] = [];
  let nativeLoaded: 'node-gpu' | undefined;
  for (const name of BACKENDS) {
    const label = BACKEND_LABELS[name];
    if (name === 'node' && nativeLoaded) {
      // Both packages register the same "tensorflow" backend; one process can hold only one.
      statuses.push({ name, label, available: true, detail: `provided by ${NATIVE_PACKAGES[nativeLoaded]}, already loaded` });
      continue;
    }
    try {
      const loaded = await loadBackend(name, options);
      if (name === 'node-gpu') nativeLoaded = 'node-gpu';
      statuses.push({ name, label, available: true, detail: loaded.detail });
    } catch (error) {
      statuses.push({ name, label, available: false, detail: firstLine(error) });
    }
  }
  const fastest = statuses.find((status) => status.available);
  if (fastest) await loadBackend(fastest.name, options);
  return statuses;
}

async function loadNative(name: 'node-gpu' | 'node', importer: PackageImporter): Promise<LoadedBackend> {
  const packageName = NATIVE_PACKAGES[name];
  let tf: TensorFlow;
  try {
    tf = (await importer(packageName)) as TensorFlow;
  } catch (error) {
    throw new BackendUnavailableError(describeImportFailure(packageName, error));
  }
  if (!(await tf.setBackend('tensorflow'))) throw new BackendUnavailableError(`${packageName} loaded but its "tensorflow" backend did not start`);
  tf.env().set('PROD', true);
  const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
  if (name === 'node-gpu' && gpu === false) {
    return { name, tf, detail: 'loaded, but TensorFlow found no CUDA GPU and computes on the CPU' };
  }
  return { name, tf, detail: name === 'node-gpu' ? 'CUDA GPU' : 'native CPU' };
}

function describeImportFailure(packageName: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = firstLine(error);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(packageName)) {
    return `not installed: the optional package ${packageName} is missing (its install step downloads libtensorflow and needs internet access; run "npm install ${packageName}" on a connected machine)`;
  }
  return `${packageName} is installed but failed to load: ${message}`;
}

function threadsWord(count: number): string {
  return `${count} thread${count === 1 ? '' : 's'}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
