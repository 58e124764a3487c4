/**
 * The studio's engine process: started by the desktop app (Electron's utilityProcess) and by the
 * browser-mode server (a forked Node.js process) to run the tasks that would otherwise hold up
 * their event loop (protocol.ts). One task at a time, in the order they come. It keeps what a
 * next task is likely to need: the loaded backends, the last dataset, the last two models (a
 * model is read again when its file changes, as a run still training rewrites its best model),
 * so a second click on the feature maps costs an inference, not a reload.
 *
 * It exits when its caller goes away, or after ten idle minutes (the caller starts another).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { detectBackends } from '../../backends/ladder.ts';
import type { TensorFlow } from '../../compile/to-tfjs.ts';
import type { ImageDataset } from '../../data/dataset.ts';
import { parseDatasetName, type DatasetName } from '../../data/dataset-name.ts';
import { loadDataset } from '../../data/datasets.ts';
import { describeError, StudioError } from '../../errors.ts';
import { kerasJsonText } from '../../files/write-export.ts';
import { parseGraphDocument } from '../../graph/load.ts';
import { evaluateRun, runFeatureMaps, type DatasetOptions, type ModelLoader } from '../../evaluate/evaluate-run.ts';
import type { GraphDocument } from '../../graph/types.ts';
import { loadRunModel } from '../../runs/run-model.ts';
import { ONNX_MODEL_FILE, requireSavedModel, savedModelForm, type ModelChoice } from '../../runs/saved-models.ts';
import { watchParent } from '../../train/worker/parent-watch.ts';
import { engineRequest, type EngineReply, type EngineTask } from './protocol.ts';

export const IDLE_EXIT_MS = 10 * 60 * 1000;
const MODELS_KEPT = 2;

/** Electron's utilityProcess talks through `process.parentPort`; Node's fork through `process.send`. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (m: { data: unknown }) => void): void } }).parentPort;

function send(reply: EngineReply): void {
  if (parentPort) parentPort.postMessage(reply);
  else if (process.connected) process.send!(reply);
}

let lastDataset: { key: string; dataset: Promise<ImageDataset> } | null = null;
const models = new Map<string, { model: tfjs.LayersModel; users: number; stale: boolean }>();

/** The dataset, read once for as long as the same one is asked for. */
function datasetLoader(name: string | DatasetName): Promise<ImageDataset> {
  const key = JSON.stringify(name);
  if (lastDataset?.key !== key) {
    lastDataset = { key, dataset: loadDataset(name) };
    lastDataset.dataset.catch(() => (lastDataset = null));
  }
  return lastDataset.dataset;
}

/** A run's saved model, kept for the next task while its model file stays the same. */
const modelLoader: ModelLoader = async (tf: TensorFlow, runDir: string, which: ModelChoice, graph: GraphDocument) => {
  // requireSavedModel throws, saying why, when the model has gone since the caller looked.
  const folder = await requireSavedModel(runDir, which);
  const file = join(folder, (await savedModelForm(runDir, which)) === 'onnx' ? ONNX_MODEL_FILE : 'model.json');
  const key = `${file}\n${(await stat(file)).mtimeMs}`;
  let entry = models.get(key);
  if (!entry) {
    entry = { model: await loadRunModel(tf, runDir, which, graph), users: 0, stale: false };
    models.set(key, entry);
    // Forget the oldest beyond the last few; one still in use goes when it is released.
    for (const [oldKey, old] of models) {
      if (models.size <= MODELS_KEPT) break;
      models.delete(oldKey);
      old.stale = true;
      if (old.users === 0) old.model.dispose();
    }
  }
  const kept = entry;
  kept.users++;
  return {
    model: kept.model,
    release() {
      kept.users--;
      if (kept.stale && kept.users === 0) kept.model.dispose();
    },
  };
};

async function run(task: EngineTask): Promise<unknown> {
  switch (task.type) {
    case 'backends':
      return detectBackends();
    case 'kerasJson': {
      const graph = parseGraphDocument(task.graph);
      if (!graph.ok) throw new StudioError(`the graph is malformed: ${graph.problems[0]!.path}: ${graph.problems[0]!.message}`);
      return kerasJsonText(graph.graph);
    }
    case 'evaluate':
    case 'featureMaps': {
      const dataset = parseDatasetName(task.dataset);
      const options: DatasetOptions = { resolveDataset: async () => dataset, loadDataset: datasetLoader, loadModel: modelLoader };
      return task.type === 'evaluate' ? evaluateRun(task.runDir, { model: task.model, backend: 'auto', ...options }) : runFeatureMaps(task.runDir, task.index, options);
    }
  }
}

let queue: Promise<void> = Promise.resolve();
let idle: NodeJS.Timeout | undefined;
function armIdleExit(): void {
  clearTimeout(idle);
  idle = setTimeout(() => process.exit(0), IDLE_EXIT_MS);
}

function receive(raw: unknown): void {
  const request = engineRequest.safeParse(raw);
  if (!request.success) return;
  const { id, task } = request.data;
  clearTimeout(idle);
  queue = queue.then(async () => {
    try {
      send({ id, ok: true, result: await run(task) });
    } catch (error) {
      send({ id, ok: false, message: describeError(error) });
    } finally {
      armIdleExit();
    }
  });
}

if (parentPort) {
  parentPort.on('message', (message) => receive(message.data));
  watchParent(() => process.exit(0));
} else {
  process.on('message', receive);
  process.on('disconnect', () => process.exit(0));
}
armIdleExit();
