/**
 * How many threads a run may train on, as plain data shared with the user interface. Each thread
 * is a data-parallel replica (train/parallel/) with its own single-threaded wasm backend, so a
 * thread is a core's worth of work; the default is one per core (threads.ts). The run's numbers
 * depend on the count: a run repeats bit for bit for a given seed and thread count.
 */

/** No machine the studio runs on has more cores than this; a larger number is a typing slip. */
export const MAX_THREADS = 256;

/** The threads a run uses on `backend`: replicas on wasm and cpu; the native backends schedule their own. */
export function threadsFor(backend: string, threads: number): number {
  return backend === 'wasm' || backend === 'cpu' ? Math.max(1, Math.min(MAX_THREADS, Math.floor(threads))) : 1;
}
