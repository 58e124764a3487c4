/**
 * The message link between a caller and its training process, whatever started it: Node's
 * child_process.fork (CLI, browser mode) or Electron's utilityProcess (the desktop app).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerLink {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `stderr`: the end of what the process wrote there, where the link can see it (V8's out-of-memory message). */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null, stderr?: string) => void): void;
  onError(listener: (error: Error) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerLink;

export interface NodeWorkerOptions {
  /** The script to run; the real training process unless a test wraps it (tests/train/fixtures/). */
  entry?: string;
  /** Extra Node.js flags, e.g. a small --max-old-space-size in a test. */
  execArgv?: string[];
  /** Arguments the script sees in process.argv. */
  args?: string[];
}

/**
 * The training process to fork. Built (dist/cli, dist/electron: scripts/node-bundle.ts), this code
 * sits in a .js file beside training-process.js; run from the TypeScript sources (tsx, the tests),
 * it is a .ts file and forks training-process.ts.
 */
const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');
const TRAINING_PROCESS = fileURLToPath(new URL(RUNNING_FROM_SOURCES ? './training-process.ts' : './training-process.js', import.meta.url));
/** Enough of stderr to hold V8's fatal-error report. */
export const STDERR_TAIL = 4096;

/**
 * The Node.js flags a TypeScript entry needs: tsx's loader, named by its absolute URL. A bare
 * `--import tsx` is resolved from the child's working folder, which fails anywhere but in the
 * checkout; tsx is a devDependency, only ever needed when running from the sources.
 */
function typeScriptLoader(entry: string): string[] {
  if (!entry.endsWith('.ts')) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** Node.js child processes; a `.ts` entry runs through tsx. stderr is passed through and its end kept. */
export function nodeWorkerSpawner(options: NodeWorkerOptions = {}): SpawnWorker {
  return () => {
    const entry = options.entry ?? TRAINING_PROCESS;
    const child = fork(entry, options.args ?? [], {
      execArgv: [...typeScriptLoader(entry), ...(options.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message as never);
      },
      onMessage: (listener) => child.on('message', listener),
      // 'close' comes after 'exit', once stderr is drained, so the tail is complete.
      onExit: (listener) => child.on('close', (code, signal) => listener(code, signal, stderrTail)),
      onError: (listener) => child.on('error', (error) => listener(error)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

/** The real training process. */
export const forkWithNode: SpawnWorker = nodeWorkerSpawner();
