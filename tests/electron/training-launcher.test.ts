import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { UtilityProcess } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { utilityProcessSpawner } from '../../electron/training-launcher.ts';

/** Enough of a utilityProcess for the launcher: events, postMessage, kill and a piped stderr. */
function fakeUtilityProcess() {
  const child = Object.assign(new EventEmitter(), { stderr: new PassThrough(), postMessage: vi.fn(), kill: vi.fn(() => true) });
  return child;
}

describe('training in a utilityProcess', () => {
  it('carries messages both ways and hands the end of stderr over with the exit code', async () => {
    const child = fakeUtilityProcess();
    const link = utilityProcessSpawner(() => child as unknown as UtilityProcess, '/app/training-worker.js')();
    const received: unknown[] = [];
    const exits: unknown[][] = [];
    link.onMessage((message) => received.push(message));
    link.onExit((...args) => exits.push(args));
    link.send({ type: 'cancel' });
    child.emit('message', { type: 'epoch' });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    child.stderr.write('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
    await new Promise((resolve) => setImmediate(resolve));
    child.emit('exit', 134);
    vi.restoreAllMocks();
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'cancel' });
    expect(received).toEqual([{ type: 'epoch' }]);
    expect(exits).toEqual([[134, null, expect.stringContaining('JavaScript heap out of memory')]]);
  });
});
