/** How a run's backend reads in the runs tables: "wasm", or "wasm × 2" for a run on two threads. */
export function backendLabel(run: { backend: string; threads: number | null }): string {
  return run.threads !== null && run.threads > 1 ? `${run.backend} × ${run.threads}` : run.backend;
}
