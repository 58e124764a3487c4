import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchParent } from '../../main/train/worker/parent-watch.ts';

describe('watching the parent process', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls back once, within a check, after the parent pid changes (the process was orphaned)', () => {
    let ppid = 4242;
    const orphaned = vi.fn();
    watchParent(orphaned, () => ppid, 1000);
    vi.advanceTimersByTime(5000);
    expect(orphaned).not.toHaveBeenCalled();
    ppid = 1;
    vi.advanceTimersByTime(1000);
    expect(orphaned).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(orphaned).toHaveBeenCalledTimes(1);
  });

  it('stops watching when told to', () => {
    let ppid = 4242;
    const orphaned = vi.fn();
    const stop = watchParent(orphaned, () => ppid, 1000);
    stop();
    ppid = 1;
    vi.advanceTimersByTime(5000);
    expect(orphaned).not.toHaveBeenCalled();
  });
});
