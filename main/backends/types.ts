/** The backends by name, and what detection says of each: plain data, shared with the user interface. */

export const BACKENDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendStatus {
  name: BackendName;
  label: string;
  available: boolean;
  /** What loaded (e.g. "SIMD, 1 thread"), or why it did not. */
  detail: string;
}

/**
 * The wasm backend's heap can grow to 65,536 pages of 64 KiB: the memory section of
 * tfjs-backend-wasm(-simd).wasm 4.22 declares that maximum, the threaded build's JavaScript
 * creates its shared memory with it, and Emscripten's getHeapMax() returns 4 GiB − 64 KiB.
 * Tensors above 2 GiB work (offsets are read unsigned).
 */
export const WASM_HEAP_LIMIT = 4 * 1024 ** 3 - 64 * 1024;

/** What training may use of it: the module itself takes 16 MiB before the first tensor. */
export const WASM_TRAINING_BYTES = WASM_HEAP_LIMIT - 16 * 1024 ** 2;
