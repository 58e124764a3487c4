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
