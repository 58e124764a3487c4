/**
 * Starting and stopping a training process from the caller's side (the CLI, the browser-mode
 * server; the desktop app uses Electron's utilityProcess the same way). The caller gets every
 * event, a way to cancel, and exactly one final event, whatever happens to the process.
 */
import { markRunEnded } from '../../runs/run-recorder.ts';
import { trainingEventSchema, type TrainingEvent } from '../events.ts';
import { forkWithNode, type SpawnWorker } from './link.ts';
import type { StartMessage } from './protocol.ts';

export type FinalEvent = Extract<TrainingEvent, { type: 'finished' | 'failed' | 'cancelled' }>;

export interface TrainingHandle {
  /** Asks the run to stop; it stops at the next batch, or is killed after `CANCEL_GRACE_MS`. */
  cancel(): void;
  /** Kills the process at once, as a crash would. */
  kill(): void;
  done: Promise<FinalEvent>;
}

export const CANCEL_GRACE_MS = 1000;

export function startTrainingProcess(
  request: Omit<StartMessage, 'type'>,
  onEvent: (event: TrainingEvent) => void,
  spawn: SpawnWorker = forkWithNode,
): TrainingHandle {
  const child = spawn();
  let runDir: string | null = null;
  let epochsDone = 0;
  let final: FinalEvent | undefined;
  let cancelRequested = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const done = new Promise<FinalEvent>((resolve) => {
    const settle = (event: FinalEvent) => {
      if (final) return;
      final = event;
      clearTimeout(graceTimer);
      onEvent(event);
      resolve(event);
    };

    child.onMessage((raw: unknown) => {
      const parsed = trainingEventSchema.safeParse(raw);
      if (!parsed.success) return;
      const event = parsed.data;
      if (event.type === 'started') runDir = event.runDir;
      if (event.type === 'epoch') epochsDone = event.epoch;
      if (event.type === 'finished' || event.type === 'failed' || event.type === 'cancelled') settle(event);
      else if (!final) onEvent(event);
    });

    child.onExit((code, signal) => {
      if (final) return;
      const event: FinalEvent = cancelRequested
        ? { type: 'cancelled', epochsDone }
        : { type: 'failed', error: describeExit(code, signal) };
      // The process could not say so itself: mark its run folder as ended.
      const marking = runDir ? markRunEnded(runDir, event.type === 'failed' ? 'failed' : 'cancelled', event.type === 'failed' ? event.error : null) : Promise.resolve();
      void marking.catch(() => {}).finally(() => settle(event));
    });

    child.onError((error) => settle({ type: 'failed', error: `the training process could not start: ${error.message}` }));
  });

  child.send({ type: 'start', ...request } satisfies StartMessage);

  return {
    cancel() {
      if (final || cancelRequested) return;
      cancelRequested = true;
      child.send({ type: 'cancel' });
      graceTimer = setTimeout(() => child.kill(), CANCEL_GRACE_MS);
    },
    kill() {
      child.kill();
    },
    done,
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `the training process was stopped by ${signal}; the epochs already reported are kept`;
  if (code === 134 || code === 137) return `the training process ran out of memory (exit code ${code}); try a smaller batch size`;
  return `the training process ended unexpectedly (exit code ${code})`;
}
