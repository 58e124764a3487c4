/**
 * The message link between a caller and its training process, whatever started it: Node's
 * child_process.fork (CLI, browser mode) or Electron's utilityProcess (the desktop app).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WorkerLink {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  onError(listener: (error: Error) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerLink;

/** A Node.js child process running the TypeScript entry through tsx. */
export const forkWithNode: SpawnWorker = () => {
  const entry = fileURLToPath(new URL('./training-process.ts', import.meta.url));
  const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  return {
    send: (message) => {
      if (child.connected) child.send(message as never);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', listener),
    onError: (listener) => child.on('error', listener),
    kill: () => child.kill('SIGKILL'),
  };
};
