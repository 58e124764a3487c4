/**
 * The training process: forked by the studio or the CLI, it trains one run and reports every event
 * back over IPC, so a crash or an out-of-memory here cannot take the caller down.
 */
import { parseGraphDocument } from '../../graph/load.ts';
import { trainingSettingsSchema } from '../../graph/training-settings.ts';
import type { TrainingEvent } from '../events.ts';
import { runTraining } from '../run-training.ts';
import { parentMessageSchema, type StartMessage } from './protocol.ts';

let cancelled = false;
let started = false;

/** Electron's utilityProcess talks through `process.parentPort`; Node's fork through `process.send`. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (m: { data: unknown }) => void): void } }).parentPort;

function send(event: TrainingEvent): void {
  if (parentPort) parentPort.postMessage(event);
  else process.send?.(event);
}

if (parentPort) parentPort.on('message', (message) => receive(message.data));
else process.on('message', receive);

function receive(raw: unknown): void {
  const message = parentMessageSchema.safeParse(raw);
  if (!message.success) return;
  if (message.data.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (started) return;
  started = true;
  void start(message.data).finally(() => {
    if (process.connected) process.disconnect();
    // Exit even if a backend keeps a thread alive, once pending messages had time to go out.
    setTimeout(() => process.exit(0), 1000);
  });
}

async function start(message: StartMessage): Promise<void> {
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
    { graph: graph.graph, settings: settings.data, backend: message.backend, runsRoot: message.runsRoot },
    send,
    () => cancelled,
  );
}
