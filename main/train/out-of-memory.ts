/**
 * Recognising that a training process ran out of memory, so the run fails with a message a user
 * can act on instead of "RangeError: offset is out of bounds" or "exit code 134".
 *
 * - The wasm heap cannot grow: Emscripten's malloc then returns 0 and TensorFlow.js goes on to
 *   write at that offset, so the error that surfaces is whatever breaks first (a RangeError, a
 *   WebAssembly.RuntimeError "memory access out of bounds", or an abort). The training process
 *   watches malloc itself (`watchWasmHeap`) and names the cause.
 * - The JavaScript heap is full: V8 prints "JavaScript heap out of memory" and aborts the process;
 *   the parent sees it on the process's stderr (`describeExit`).
 */
import { formatBytes } from '../analysis/format.ts';
import type { LoadedBackend } from '../backends/ladder.ts';
import { describeError } from '../errors.ts';
import { WASM_HEAP_LIMIT } from '../backends/types.ts';

const ADVICE = 'lower the batch size or shrink the early layers';

export interface HeapWatch {
  /** Why the run failed, in words, when it was for lack of memory; null otherwise. */
  describe(error: unknown): string | null;
}

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
  wasmMemory?: WebAssembly.Memory;
}

/** Watches the wasm backend's allocations for one that failed; does nothing on other backends. */
export function watchWasmHeap(backend: LoadedBackend): HeapWatch {
  const module = backend.name === 'wasm' ? ((backend.tf.backend() as unknown as { wasm?: EmscriptenHeap }).wasm ?? null) : null;
  if (!module) return { describe: () => null };
  const heapBytes = () => (module.wasmMemory ?? module.HEAPU8).buffer.byteLength;
  let failed: { requested: number; heap: number } | null = null;
  // Emscripten's `_malloc` is a stub that replaces itself with the real export on its first call;
  // a setter takes that replacement as the function to watch, so the watch stays in place.
  let malloc = module._malloc;
  const watched = (bytes: number) => {
    const at = malloc(bytes);
    if (at === 0 && bytes > 0 && failed === null) failed = { requested: bytes, heap: heapBytes() };
    return at;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    get: () => watched,
    set: (replacement: (bytes: number) => number) => (malloc = replacement),
  });
  return {
    describe(error) {
      // An allocation inside the wasm code (XNNPACK's scratch space) fails as a trap or abort instead.
      const nearFull = error instanceof WebAssembly.RuntimeError && heapBytes() > WASM_HEAP_LIMIT - 256 * 1024 ** 2;
      if (failed === null && !nearFull) return null;
      // When malloc failed, what broke next (a TypeError deep in TensorFlow.js, say) says nothing more.
      const what = failed
        ? `could not find ${formatBytes(failed.requested)} for a tensor in its heap of ${formatBytes(failed.heap)}, which could not grow further`
        : `filled its heap (${describeError(error)})`;
      return `the training process ran out of memory: the wasm backend ${what}; it holds at most ${formatBytes(WASM_HEAP_LIMIT)} — ${ADVICE}`;
    },
  };
}

/** Why a training process ended without saying so itself: from its exit code, signal and the end of its stderr. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr = ''): string {
  if (/JavaScript heap out of memory/.test(stderr)) return `the training process ran out of memory (its JavaScript heap is full) — ${ADVICE}`;
  if (signal === 'SIGKILL') return 'the training process was killed (SIGKILL); the epochs already reported are kept';
  if (signal) return `the training process was stopped by ${signal}; the epochs already reported are kept`;
  // Electron's utilityProcess reports only an exit code: 128 + SIGABRT (V8's out-of-memory abort) or + SIGKILL.
  if (code === 134 || code === 137) return `the training process ran out of memory or was killed (exit code ${code}) — ${ADVICE}`;
  return `the training process ended unexpectedly (exit code ${code})`;
}
