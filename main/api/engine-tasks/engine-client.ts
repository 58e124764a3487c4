/**
 * The caller's side of the engine process (engine-process.ts): started on the first task, kept
 * for the next ones (with its loaded backends, dataset and models), started again after it exits
 * (idle, or a crash). A task the process cannot finish because it died fails with why; the next
 * task gets a fresh process.
 */
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../errors.ts';
import { nodeWorkerSpawner, type SpawnWorker, type WorkerLink } from '../../train/worker/link.ts';
import { engineReply, type EngineTask } from './protocol.ts';

export interface EngineTasks {
  run(task: EngineTask): Promise<unknown>;
  /** Ends the process; pending tasks fail. */
  dispose(): void;
}

/**
 * Run from the TypeScript sources (tsx), the process is engine-process.ts; built (dist/electron),
 * the desktop app starts engine-process.js itself (electron/main.ts).
 */
const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');
const ENGINE_PROCESS = fileURLToPath(new URL(RUNNING_FROM_SOURCES ? './engine-process.ts' : './engine-process.js', import.meta.url));

/** A forked Node.js process (the browser-mode server, tests). */
export const forkEngineProcess: SpawnWorker = nodeWorkerSpawner({ entry: ENGINE_PROCESS });

export function engineTasks(spawn: SpawnWorker = forkEngineProcess): EngineTasks {
  let link: WorkerLink | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  const start = (): WorkerLink => {
    const started = spawn();
    started.onMessage((raw) => {
      const reply = engineReply.safeParse(raw);
      if (!reply.success) return;
      const waiting = pending.get(reply.data.id);
      if (!waiting) return;
      pending.delete(reply.data.id);
      if (reply.data.ok) waiting.resolve(reply.data.result);
      else waiting.reject(new StudioError(reply.data.message));
    });
    const fail = (message: string) => {
      if (link === started) link = null;
      for (const waiting of pending.values()) waiting.reject(new StudioError(message));
      pending.clear();
    };
    started.onExit((code, signal, stderr) => fail(describeEngineExit(code, signal, stderr)));
    started.onError((error) => fail(`the engine process could not start: ${error.message}`));
    return started;
  };

  return {
    run(task) {
      link ??= start();
      const id = nextId++;
      const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      link.send({ id, task });
      return answer;
    },
    dispose() {
      link?.kill();
      link = null;
    },
  };
}

/** Why the engine process ended in the middle of a task. */
function describeEngineExit(code: number | null, signal: NodeJS.Signals | null, stderr = ''): string {
  if (/JavaScript heap out of memory/.test(stderr)) return 'the engine process ran out of memory (its JavaScript heap is full)';
  if (signal) return `the engine process was stopped by ${signal}`;
  // Electron's utilityProcess reports only an exit code: 128 + SIGABRT (V8's out-of-memory abort) or + SIGKILL.
  if (code === 134 || code === 137) return `the engine process ran out of memory or was killed (exit code ${code})`;
  return `the engine process ended unexpectedly (exit code ${code})`;
}
