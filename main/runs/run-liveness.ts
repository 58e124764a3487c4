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
import { hostname } from 'node:os';
import { processExists, type ProcessProbe } from '../process-exists.ts';
import type { RunRecord, RunStatus } from './types.ts';

/** What run.json says of a run stopped because the program that started it went away. */
export const INTERRUPTED_MESSAGE = 'the program that started this run stopped while it trained; the epochs already finished are kept';

/** The status to show: run.json's, except a running run whose process is gone, which was interrupted. */
export function liveStatus(record: RunRecord, exists: ProcessProbe = processExists, thisHost = hostname()): RunStatus {
  if (record.status !== 'running' || record.pid === undefined) return record.status;
  if (record.host !== undefined && record.host !== thisHost) return record.status;
  return exists(record.pid) ? 'running' : 'interrupted';
}
