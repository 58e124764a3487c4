import type { RanOn } from './types.ts';

/**
 * How a run's backend reads in the runs tables: "wasm", "wasm × 2" for a run on two training
 * threads, or "pytorch ×4 on gpu-box" for a run of the exported training script on four processes.
 */
export function backendLabel(run: { backend: string; threads: number | null; ranOn: RanOn | null }): string {
  if (run.ranOn) return `${run.backend}${run.ranOn.worldSize > 1 ? ` ×${run.ranOn.worldSize}` : ''} on ${run.ranOn.host}`;
  return run.threads !== null && run.threads > 1 ? `${run.backend} × ${run.threads}` : run.backend;
}
