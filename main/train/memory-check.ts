/**
 * Refusing a design too large for the backend before any training process starts, with the
 * estimate and what to change, instead of letting the process die of it minutes later. The
 * service's startTraining and `cnn-studio train` call it with the backend asked for; the training
 * process calls it again once it knows which backend loaded (the ladder's `auto` may land lower).
 */
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import { formatBytes, formatShape } from '../analysis/format.ts';
import { estimateTrainingMemory, largestBatchWithin, type TrainingMemorySettings } from '../analysis/training-memory.ts';
import type { GraphAnalysis } from '../analysis/types.ts';
import { WASM_HEAP_LIMIT, WASM_TRAINING_BYTES, type BackendName } from '../backends/types.ts';
import { StudioError } from '../errors.ts';

/** Native TensorFlow and the plain JavaScript backend share the machine with everything else. */
const SHARE_OF_MACHINE = 0.5;

/**
 * What a training thread costs besides its heap: a V8 isolate with TensorFlow.js loaded and the
 * wasm module (measured ~45 MiB of resident memory per replica thread on Node 20).
 */
export const THREAD_OVERHEAD_BYTES = 64 * 1024 ** 2;

export class TrainingMemoryError extends StudioError {
  override name = 'TrainingMemoryError';
}

export interface MemoryLimit {
  bytes: number;
  /** How the limit reads in a message: "the wasm backend can use at most 4.0 GiB". */
  says: string;
}

/** What a backend can hold for training, or null when it cannot be told from here (CUDA's GPU memory). */
export function backendMemoryLimit(backend: BackendName, machineBytes = totalmem()): MemoryLimit | null {
  switch (backend) {
    case 'wasm':
      return { bytes: WASM_TRAINING_BYTES, says: `the wasm backend can use at most ${formatBytes(WASM_HEAP_LIMIT)}` };
    case 'node':
    case 'cpu':
      return { bytes: machineBytes * SHARE_OF_MACHINE, says: `the ${backend} backend can use about ${formatBytes(machineBytes * SHARE_OF_MACHINE)} here (half of this machine's memory)` };
    case 'node-gpu':
      // TensorFlow knows the GPU's memory and fails with its own out-of-memory error.
      return null;
  }
}

/**
 * The backend `auto` will most likely load: the first native package installed, else wasm. It
 * only checks that a package is there; if it then fails to load, the training process checks
 * again with the backend it got.
 */
export function likelyBackend(requested: BackendName | 'auto', installed: (name: string) => boolean = isInstalled): BackendName {
  if (requested !== 'auto') return requested;
  if (installed('@tensorflow/tfjs-node-gpu')) return 'node-gpu';
  if (installed('@tensorflow/tfjs-node')) return 'node';
  return 'wasm';
}

export interface MemoryCheckOptions {
  /** Threads (replicas) the run trains on; each wasm replica has a heap of its own. Default 1. */
  threads?: number;
  machineBytes?: number;
}

/**
 * Throws TrainingMemoryError when the design would not fit; does nothing for an invalid graph
 * (other checks say why). On wasm each replica's heap holds its slice of the batch within the
 * heap's limit, and the replicas together must fit in half of the machine's memory.
 */
export function checkTrainingMemory(analysis: GraphAnalysis, settings: TrainingMemorySettings, backend: BackendName | 'auto', options: MemoryCheckOptions = {}): void {
  const machineBytes = options.machineBytes ?? totalmem();
  const name = likelyBackend(backend);
  const threads = name === 'wasm' || name === 'cpu' ? Math.max(1, options.threads ?? 1) : 1;
  const estimate = estimateTrainingMemory(analysis, settings, threads);
  const limit = backendMemoryLimit(name, machineBytes);
  if (limit === null || estimate === null) return;
  const onThreads = estimate.replicas > 1 ? ` on ${estimate.replicas} threads` : '';
  const largest = estimate.largest ? `; largest: ${estimate.largest.nodeId}'s ${formatShape(estimate.largest.shape)} output` : '';
  const parameterBytes = estimate.weightsBytes + estimate.gradientBytes + estimate.optimizerBytes;
  /** `fewerThreads`: the limit is on all replicas together, so fewer of them would also help. */
  const refuse = (says: string, fits: number, needs: number, fewerThreads = false) => {
    const advice =
      fits >= 1
        ? `lower the batch size (${fits} would fit)${fewerThreads ? ', use fewer threads' : ''} or shrink the early layers`
        : parameterBytes > limit.bytes
          ? `its weights with their gradients and optimizer state alone take ${formatBytes(parameterBytes)}: use fewer parameters`
          : fewerThreads
            ? 'use fewer threads, or shrink the input or the early layers'
            : `even a batch of 1${estimate.replicas > 1 ? ' per thread' : ''} would not fit: shrink the input or the early layers`;
    throw new TrainingMemoryError(
      `this design needs about ${formatBytes(needs)} to train at batch ${estimate.batchSize}${onThreads} ` +
        `(activations ${formatBytes(estimate.activationBytes)}${largest}); ${says} — ${advice}`,
    );
  };
  if (name === 'wasm') {
    if (estimate.perReplicaBytes > limit.bytes) {
      const says = estimate.replicas > 1 ? `${limit.says} per thread, and its share of the batch needs ${formatBytes(estimate.perReplicaBytes)}` : limit.says;
      refuse(says, largestBatchWithin(estimate, limit.bytes, 'replica'), estimate.totalBytes);
    }
    // The replicas' heaps live side by side in the machine's memory.
    if (estimate.replicas > 1) {
      const threadsBytes = (estimate.replicas - 1) * THREAD_OVERHEAD_BYTES;
      const share = machineBytes * SHARE_OF_MACHINE;
      if (estimate.totalBytes + threadsBytes > share) {
        refuse(`${estimate.replicas} threads can use about ${formatBytes(share)} here (half of this machine's memory)`, largestBatchWithin(estimate, share - threadsBytes, 'total'), estimate.totalBytes, true);
      }
    }
    return;
  }
  if (estimate.totalBytes > limit.bytes) refuse(limit.says, largestBatchWithin(estimate, limit.bytes, 'total'), estimate.totalBytes);
}

function isInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
