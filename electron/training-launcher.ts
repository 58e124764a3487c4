/**
 * The engine's processes in the desktop app (a training process, the engine-task process):
 * Electron's utilityProcess, which survives a crash of its child. Its stderr is piped (and passed
 * on) so that the end of it reaches the caller with the exit: V8 writes its out-of-memory report
 * there, and the error can then say so.
 */
import type { UtilityProcess } from 'electron';
import { STDERR_TAIL, type SpawnWorker, type WorkerLink } from '../main/train/worker/link.ts';

export function utilityProcessSpawner(fork: (modulePath: string) => UtilityProcess, workerPath: string): SpawnWorker {
  return (): WorkerLink => {
    const child = fork(workerPath);
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess reports only an exit code; a kill shows up as a non-zero one.
      onExit: (listener) => child.on('exit', (code) => listener(code, null, stderrTail)),
      onError: (listener) => child.on('error', (type, location) => listener(new Error(`${type} at ${location}`))),
      kill: () => void child.kill(),
    };
  };
}
