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

function send(event: TrainingEvent): void {
  process.send?.(event);
}

process.on('message', (raw: unknown) => {
  const message = parentMessageSchema.safeParse(raw);
  if (!message.success) return;
  if (message.data.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (started) return;
  started = true;
  void start(message.data).finally(() => {
    process.disconnect?.();
    // Exit even if a backend keeps a handle open; unref'd so pending sends still flush first.
    setTimeout(() => process.exit(0), 2000).unref();
  });
});

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
