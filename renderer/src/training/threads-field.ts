/**
 * The training panel's Threads field: empty for one thread per core (what the engine does when
 * told nothing), or a whole number from 1 to MAX_THREADS. Like the backend, it belongs to this
 * machine, not to the design, so it is the panel's own and never saved in the document.
 */
import { MAX_THREADS } from '../../../main/train/thread-count.ts';

export type ThreadsField = { ok: true; threads: number | undefined } | { ok: false; message: string };

export function parseThreadsField(text: string): ThreadsField {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, threads: undefined };
  const value = Number(trimmed);
  if (!Number.isInteger(value) || value < 1 || value > MAX_THREADS) return { ok: false, message: `threads: a whole number from 1 to ${MAX_THREADS}, or empty for one per core` };
  return { ok: true, threads: value };
}
