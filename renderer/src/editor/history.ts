/**
 * Undo and redo over graph documents. Each change says how it is recorded: `step` makes an undo
 * step of its own; `merge` with a key joins the previous step when that had the same key (a drag
 * is many moves but one step); `none` changes nothing in the history (selection, for instance, is
 * not part of the document at all). Snapshots are whole documents: graphs are small and
 * immutable updates make sharing cheap.
 */
export type Capture = { kind: 'step' } | { kind: 'merge'; key: string } | { kind: 'none' };

export interface History<T> {
  past: T[];
  future: T[];
  /** The merge key of the newest step, if it may still absorb merges. */
  openKey: string | null;
}

export const MAX_STEPS = 200;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], openKey: null };
}

/** Records that `before` was replaced by a change captured as `capture`. */
export function record<T>(history: History<T>, before: T, capture: Capture): History<T> {
  if (capture.kind === 'none') return history;
  if (capture.kind === 'merge' && history.openKey === capture.key) {
    return { ...history, future: [] };
  }
  const past = [...history.past, before].slice(-MAX_STEPS);
  return { past, future: [], openKey: capture.kind === 'merge' ? capture.key : null };
}

/** Closes a merge run, so the next change with the same key starts a new step (a new drag). */
export function closeStep<T>(history: History<T>): History<T> {
  return history.openKey === null ? history : { ...history, openKey: null };
}

export function undo<T>(history: History<T>, current: T): { history: History<T>; value: T } | null {
  const value = history.past.at(-1);
  if (value === undefined) return null;
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future], openKey: null }, value };
}

export function redo<T>(history: History<T>, current: T): { history: History<T>; value: T } | null {
  const [value, ...future] = history.future;
  if (value === undefined) return null;
  return { history: { past: [...history.past, current], future, openKey: null }, value };
}
