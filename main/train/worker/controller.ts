/**
 * Starting and stopping a training process from the caller's side (the CLI, the browser-mode
 * server; the desktop app uses Electron's utilityProcess the same way). The caller gets every
 * event, a way to cancel, and exactly one final event, whatever happens to the process.
 */
import type { z } from 'zod';
import { markRunEnded } from '../../runs/run-recorder.ts';
import { trainingEventSchema, type TrainingEvent } from '../events.ts';
import { describeExit } from '../out-of-memory.ts';
import { forkWithNode, type SpawnWorker } from './link.ts';
import type { StartMessage } from './protocol.ts';

export type FinalEvent = Extract<TrainingEvent, { type: 'finished' | 'diverged' | 'failed' | 'cancelled' }>;

export interface TrainingHandle {
  /** Asks the run to stop; it stops at the next batch, or is killed after `CANCEL_GRACE_MS`. Either way `done` settles within a second. */
  cancel(): void;
  /** Kills the process at once, as a crash would. */
  kill(): void;
  done: Promise<FinalEvent>;
}

/**
 * How long a cancelled run may take to stop by itself before it is killed. A batch or the test
 * evaluation can outlast it (a wasm kernel cannot be interrupted); the kill, the exit reaching us
 * and marking run.json take well under the rest of the second that cancel promises.
 */
export const CANCEL_GRACE_MS = 600;

export function startTrainingProcess(
  request: Omit<StartMessage, 'type'>,
  onEvent: (event: TrainingEvent) => void,
  spawn: SpawnWorker = forkWithNode,
): TrainingHandle {
  const child = spawn();
  let runDir: string | null = null;
  let epochsDone = 0;
  /** Set by the first final event; later ones, and any event after it, are dropped. */
  let ending = false;
  let cancelRequested = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const done = new Promise<FinalEvent>((resolve) => {
    /**
     * `mark`: the process may not have recorded the end itself (it died, or failed outside the
     * recorder), so mark its run folder first; callers read the folder once `done` settles.
     */
    const end = (event: FinalEvent, mark: boolean) => {
      if (ending) return;
      ending = true;
      const marking =
        mark && runDir && (event.type === 'failed' || event.type === 'cancelled')
          ? markRunEnded(runDir, event.type, event.type === 'failed' ? event.error : null)
          : Promise.resolve();
      void marking
        .catch(() => {})
        .finally(() => {
          clearTimeout(graceTimer);
          onEvent(event);
          resolve(event);
        });
    };

    child.onMessage((raw: unknown) => {
      const parsed = trainingEventSchema.safeParse(raw);
      if (!parsed.success) {
        // Dropping it would hide a fault (a NaN loss once vanished this way and the run read as
        // finished); the process cannot be trusted to report the rest either.
        child.kill();
        end({ type: 'failed', error: `the training process sent an event the studio cannot read (${describeEventProblem(raw, parsed.error)})` }, true);
        return;
      }
      const event = parsed.data;
      if (event.type === 'started') runDir = event.runDir;
      if (event.type === 'epoch') epochsDone = event.epoch;
      if (event.type === 'finished' || event.type === 'diverged' || event.type === 'failed' || event.type === 'cancelled') end(event, event.type === 'failed');
      else if (!ending) onEvent(event);
    });

    child.onExit((code, signal, stderr) => {
      end(cancelRequested ? { type: 'cancelled', epochsDone } : { type: 'failed', error: describeExit(code, signal, stderr) }, true);
    });

    child.onError((error) => end({ type: 'failed', error: `the training process could not start: ${error.message}` }, false));
  });

  child.send({ type: 'start', ...request } satisfies StartMessage);

  return {
    cancel() {
      if (ending || cancelRequested) return;
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

/** `batch.loss: expected number, received NaN`, in one line. */
function describeEventProblem(raw: unknown, error: z.ZodError): string {
  const type = typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type.slice(0, 40) : 'event';
  const issue = error.issues[0]!;
  return `${[type, ...issue.path.map(String)].join('.')}: ${issue.message}`.replace(/\s+/g, ' ');
}
