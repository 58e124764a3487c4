import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../../main/graph/types.ts';
import { recoveryKeeper, type EditorSnapshot } from '../../renderer/src/editor/recovery-keeper.ts';

const design = (name: string): GraphDocument => ({ format: 'cnn-studio/graph', version: 2, name, nodes: [], edges: [] });

function setup(saveRecovery = vi.fn(async () => {})) {
  const clearRecovery = vi.fn(async () => {});
  const errors: string[] = [];
  const keeper = recoveryKeeper({ saveRecovery, clearRecovery }, (message) => errors.push(message), 2000);
  let state: EditorSnapshot = { dirty: false, graph: design('opened'), path: '/w/net.json' };
  const edit = (next: Partial<EditorSnapshot>) => {
    state = { ...state, ...next };
    keeper.changed(() => state);
  };
  return { keeper, saveRecovery, clearRecovery, errors, edit };
}

describe('keeping unsaved work for recovery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the latest design once per interval while there are unsaved changes', async () => {
    const { saveRecovery, edit } = setup();
    edit({ dirty: true, graph: design('edit 1') });
    edit({ graph: design('edit 2') });
    await vi.advanceTimersByTimeAsync(1999);
    expect(saveRecovery).not.toHaveBeenCalled();
    edit({ graph: design('edit 3') });
    await vi.advanceTimersByTimeAsync(1);
    expect(saveRecovery.mock.calls).toEqual([[design('edit 3'), '/w/net.json']]);
    edit({ graph: design('edit 4') });
    await vi.advanceTimersByTimeAsync(2000);
    expect(saveRecovery).toHaveBeenCalledTimes(2);
    expect(saveRecovery).toHaveBeenLastCalledWith(design('edit 4'), '/w/net.json');
  });

  it('removes the draft once the editor is clean, and writes nothing for a clean editor', async () => {
    const { saveRecovery, clearRecovery, edit } = setup();
    edit({ dirty: false });
    await vi.advanceTimersByTimeAsync(5000);
    expect(saveRecovery).not.toHaveBeenCalled();
    expect(clearRecovery).not.toHaveBeenCalled();
    edit({ dirty: true, graph: design('edit') });
    await vi.advanceTimersByTimeAsync(2000);
    edit({ dirty: false });
    expect(clearRecovery).toHaveBeenCalledTimes(1);
  });

  it('removes an adopted draft (restored at start-up) even when saved before the first write', async () => {
    const { keeper, clearRecovery, edit } = setup();
    keeper.adopt();
    edit({ dirty: true, graph: design('restored') });
    edit({ dirty: false });
    expect(clearRecovery).toHaveBeenCalledTimes(1);
  });

  it('cancels a pending write when the design is saved first', async () => {
    const { saveRecovery, clearRecovery, edit } = setup();
    edit({ dirty: true, graph: design('edit') });
    await vi.advanceTimersByTimeAsync(500);
    edit({ dirty: false });
    await vi.advanceTimersByTimeAsync(5000);
    expect(saveRecovery).not.toHaveBeenCalled();
    expect(clearRecovery).not.toHaveBeenCalled();
  });

  it('reports a failing write once, not every interval', async () => {
    const { errors, edit } = setup(vi.fn(async () => Promise.reject(new Error('disk full'))));
    for (let i = 0; i < 3; i++) {
      edit({ dirty: true, graph: design(`edit ${i}`) });
      await vi.advanceTimersByTimeAsync(2000);
    }
    expect(errors).toEqual(['Unsaved changes cannot be kept for recovery: disk full']);
  });
});
