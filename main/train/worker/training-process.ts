/**
 * The training process: forked by the studio or the CLI, it trains one run and reports every event
 * back over IPC, so a crash or an out-of-memory here cannot take the caller down.
 *
 * It never outlives its caller: when the IPC channel closes while it trains (the app or CLI was
 * killed), it stops at the next batch, records the run as interrupted and exits; if the batch
 * does not end in time, it exits anyway (the run folder is consistent after every write).
 * Electron's utilityProcess has no such channel event; there the parent pid is watched instead
 * (parent-watch.ts), and should both die at once the run reads as interrupted from its pid
 * (run-liveness.ts).
 */
import { describeError } from '../../errors.ts';
import { parseGraphDocument } from '../../graph/load.ts';
import { trainingSettingsSchema } from '../../graph/training-settings.ts';
import type { TrainingEvent } from '../events.ts';
import { runTraining } from '../run-training.ts';
import { watchParent } from './parent-watch.ts';
import { parentMessageSchema, type StartMessage } from './protocol.ts';

/** After the caller went away: how long the run may take to reach the next batch and record that. */
const ORPHAN_GRACE_MS = 2000;
/** After the run ended: time for the last messages to go out, should a backend keep a thread alive. */
const EXIT_DELAY_MS = 1000;

let stop: 'cancel' | 'interrupt' | null = null;
let started = false;
let ended = false;

/** Electron's utilityProcess talks through `process.parentPort`; Node's fork through `process.send`. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (m: { data: unknown }) => void): void } }).parentPort;

/** `then` runs once the event is on its way (Electron's postMessage gives no callback: a moment later). */
function send(event: TrainingEvent, then?: () => void): void {
  if (parentPort) {
    parentPort.postMessage(event);
    if (then) setTimeout(then, 200);
  } else if (process.connected) {
    process.send!(event, undefined, {}, () => then?.());
  } else {
    then?.();
  }
}

/** The caller is gone: stop at the next batch and record the run as interrupted, or exit. */
function orphaned(): void {
  if (ended) return; // our own disconnect at the end
  if (!started) process.exit(0);
  stop = 'interrupt';
  setTimeout(() => process.exit(1), ORPHAN_GRACE_MS);
}

if (parentPort) {
  parentPort.on('message', (message) => receive(message.data));
  watchParent(orphaned);
} else {
  process.on('message', receive);
  process.on('disconnect', orphaned);
}

// A throw outside the training's own error handling (a timer, a library callback) still ends in
// a `failed` event the caller can show, not a bare exit code. This takes precedence over the
// 'uncaughtException' listeners the wasm backend's Emscripten glue adds, which rethrow.
process.setUncaughtExceptionCaptureCallback((error) => {
  ended = true;
  send({ type: 'failed', error: describeError(error) }, () => process.exit(1));
  setTimeout(() => process.exit(1), EXIT_DELAY_MS);
});

function receive(raw: unknown): void {
  const message = parentMessageSchema.safeParse(raw);
  if (!message.success) return;
  if (message.data.type === 'cancel') {
    stop ??= 'cancel';
    return;
  }
  if (started) return;
  started = true;
  void start(message.data).finally(() => {
    ended = true;
    if (stop === 'interrupt') process.exit(1); // nobody is left to receive anything
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(0), EXIT_DELAY_MS);
  });
}

async function start(message: StartMessage): Promise<void> {
  if (message.resume) {
    const { runDir, epochs } = message.resume;
    const threads = message.threads === undefined ? {} : { threads: message.threads };
    await runTraining({ backend: message.backend, ...threads, resume: { runDir, ...(epochs !== undefined ? { epochs } : {}) } }, send, () => stop);
    return;
  }
  const graph = parseGraphDocument(message.graph);
  if (!graph.ok) {
    send({ type: 'failed', error: `the graph does not load: ${graph.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` });
    return;
  }
  const settings = trainingSettingsSchema.safeParse(message.settings);
  if (!settings.success) {
    send({ type: 'failed', error: `invalid training settings: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    return;
  }
  await runTraining(
    {
      graph: graph.graph,
      settings: settings.data,
      backend: message.backend,
      runsRoot: message.runsRoot,
      initialWeights: message.initialWeights,
      ...(message.threads === undefined ? {} : { threads: message.threads }),
    },
    send,
    () => stop,
  );
}
