/** The threads a run trains on when nobody says: one per core this process may use. */
import { availableParallelism } from 'node:os';
import { MAX_THREADS } from './thread-count.ts';

/** os.availableParallelism(): the logical cores, within CPU affinity and cgroup limits. */
export function defaultThreads(): number {
  return Math.min(MAX_THREADS, availableParallelism());
}
