/**
 * Keeps unsaved work in the engine's recovery file: while the editor is dirty, the latest design is
 * written at most every `intervalMs` (so a crash or a kill loses at most those seconds), and once
 * it is clean again (saved, or deliberately discarded for another document) the file is removed.
 * The editor calls `changed` on every state change; writes read the design when they happen, so a
 * burst of edits costs one write.
 */
import type { GraphDocument } from '../../../main/graph/types.ts';

export interface RecoveryTarget {
  saveRecovery(graph: GraphDocument, path: string | null): Promise<void>;
  clearRecovery(): Promise<void>;
}

export interface EditorSnapshot {
  dirty: boolean;
  graph: GraphDocument;
  path: string | null;
}

export interface RecoveryKeeper {
  /** The editor changed; `current` gives its state when a write is due. */
  changed(current: () => EditorSnapshot): void;
  /** The recovery file already holds this session's draft (one restored at start-up). */
  adopt(): void;
  /** Stops pending writes (the window is going away). */
  dispose(): void;
}

export const RECOVERY_INTERVAL_MS = 2000;

export function recoveryKeeper(target: RecoveryTarget, onError: (message: string) => void, intervalMs = RECOVERY_INTERVAL_MS): RecoveryKeeper {
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Whether this session has a draft in the recovery file that a clean editor should remove. */
  let kept = false;
  let reportedError = false;

  const fail = (error: unknown) => {
    // One message is enough: a failing disk would otherwise repeat it every two seconds.
    if (!reportedError) onError(`Unsaved changes cannot be kept for recovery: ${(error as Error).message}`);
    reportedError = true;
  };

  const write = async (current: () => EditorSnapshot) => {
    timer = null;
    const snapshot = current();
    if (!snapshot.dirty) return;
    try {
      await target.saveRecovery(snapshot.graph, snapshot.path);
      kept = true;
      reportedError = false;
    } catch (error) {
      fail(error);
    }
  };

  return {
    changed(current) {
      if (current().dirty) {
        timer ??= setTimeout(() => void write(current), intervalMs);
        return;
      }
      if (timer) clearTimeout(timer);
      timer = null;
      if (kept) {
        kept = false;
        target.clearRecovery().catch(fail);
      }
    },
    adopt() {
      kept = true;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
