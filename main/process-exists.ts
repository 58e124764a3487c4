/**
 * Whether a process is still running, by pid: for telling a run or a temporary file whose writer
 * died from one whose writer is still at work.
 */
import { readFileSync } from 'node:fs';

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
