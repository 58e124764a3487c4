import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { processExists } from '../../main/process-exists.ts';
import { liveStatus } from '../../main/runs/run-liveness.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import type { RunRecord } from '../../main/runs/types.ts';

const running = (changes: Partial<RunRecord> = {}): RunRecord => ({ ...newRunRecord('a run', 'wasm'), ...changes });
/** The pid of a process that has ended. */
const endedPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('the status a run shows', () => {
  it('records the training process and its host in a new run', () => {
    expect(running()).toMatchObject({ status: 'running', pid: process.pid, host: hostname() });
  });

  it('is running while the process that trains it is alive', () => {
    expect(liveStatus(running())).toBe('running');
  });

  it('is interrupted when run.json says running but its process is gone', () => {
    expect(liveStatus(running({ pid: endedPid() }))).toBe('interrupted');
  });

  it.each([
    ['a run that ended', running({ status: 'finished', pid: 1 }), 'finished'],
    ['a run recorded on another host, which cannot be checked', running({ host: 'elsewhere', pid: 1 }), 'running'],
    ['a run from before pids were recorded', running({ pid: undefined, host: undefined }), 'running'],
  ] as const)('is what run.json says for %s', (_what, record, status) => {
    expect(liveStatus(record, () => false)).toBe(status);
  });
});

describe('processExists', () => {
  it('tells a live process from an ended one', () => {
    expect(processExists(process.pid)).toBe(true);
    expect(processExists(endedPid())).toBe(false);
  });
});
