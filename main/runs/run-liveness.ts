/**
 * Whether a run that run.json calls running still is. When the app or CLI is killed together with
 * its training process (SIGKILL, a crash, the machine going down), nothing is left to rewrite
 * run.json, and it would say "running" for ever. The training process records its pid and host
 * name in run.json; a run on this host whose process no longer exists was interrupted.
 *
 * Why a pid and not a heartbeat: it costs nothing while training and answers at once on the next
 * start, where a heartbeat would need a write every few seconds and a wait of a few more to tell.
 * The price is pid reuse: if the system has since given the pid to another process, the run still
 * reads as running until that process ends. A run recorded on another host (a shared folder)
 * cannot be checked and keeps its status.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunRecord, RunStatus } from './types.ts';

export const INTERRUPTED_MESSAGE = 'the program that started this run stopped while it trained; the epochs already finished are kept';

export type ProcessProbe = (pid: number) => boolean;

/**
 * Signal 0 checks that a process exists without touching it; EPERM means it exists but is not
 * ours. A process that has ended but was never reaped (a zombie: an orphaned training process in
 * a container whose init does not reap) still answers signal 0, so Linux's /proc is asked too.
 */
export const processExists: ProcessProbe = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
};

/** Linux only; elsewhere there is no /proc and a process that answers is taken as running. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (command) state …"; the command may itself hold spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** The status to show: run.json's, except a running run whose process is gone, which was interrupted. */
export function liveStatus(record: RunRecord, exists: ProcessProbe = processExists, thisHost = hostname()): RunStatus {
  if (record.status !== 'running' || record.pid === undefined) return record.status;
  if (record.host !== undefined && record.host !== thisHost) return record.status;
  return exists(record.pid) ? 'running' : 'interrupted';
}
