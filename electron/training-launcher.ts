/** Training processes in the desktop app: Electron's utilityProcess, which survives a crash of its child. */
import type { UtilityProcess } from 'electron';
import type { SpawnWorker, WorkerLink } from '../main/train/worker/link.ts';

export function utilityProcessSpawner(fork: (modulePath: string) => UtilityProcess, workerPath: string): SpawnWorker {
  return (): WorkerLink => {
    const child = fork(workerPath);
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess reports only an exit code; a kill shows up as a non-zero one.
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      onError: (listener) => child.on('error', (type, location) => listener(new Error(`${type} at ${location}`))),
      kill: () => void child.kill(),
    };
  };
}
