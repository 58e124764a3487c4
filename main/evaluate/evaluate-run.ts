/** Evaluating a run's saved model on its dataset's test split. */
import { loadBackend, loadFastestBackend, type BackendName } from '../backends/ladder.ts';
import { limitDataset, type ImageDataset } from '../data/dataset.ts';
import type { DatasetName } from '../data/dataset-name.ts';
import { loadDataset } from '../data/datasets.ts';
import { StudioError } from '../errors.ts';
import { loadRunModel } from '../runs/run-model.ts';
import { RUN_FILES } from '../runs/run-folder.ts';
import { requireSavedModel, type ModelChoice } from '../runs/saved-models.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readRunGraph } from '../runs/run-history.ts';
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { fillTestBatch } from '../data/batches.ts';
import { evaluateModel } from './evaluate-model.ts';
import { featureMapsOf } from './feature-maps.ts';
import type { Evaluation, FeatureMaps } from './types.ts';

/** Reads a dataset by name; a host that must stay responsive passes one that reads in a worker thread. */
export type DatasetLoader = (name: string | DatasetName) => Promise<ImageDataset>;

/**
 * A run's saved model (`runs/run-model.ts`), loaded: `release` when done with it (a cache keeps it,
 * the default disposes it). Throws a StudioError naming the run when it has no such model.
 */
export type ModelLoader = (tf: TensorFlow, runDir: string, which: ModelChoice, graph: GraphDocument) => Promise<{ model: tfjs.LayersModel; release(): void }>;

export interface DatasetOptions {
  /**
   * Reads, resolves and checks the dataset name in the run's settings before it is opened (the
   * studio confines it like any name from the page); by default the name is opened as it is.
   */
  resolveDataset?: (name: string) => Promise<DatasetName>;
  /** Reads the dataset; by default in this thread. */
  loadDataset?: DatasetLoader;
  /** Loads a saved model; by default afresh each time (the engine process keeps recent ones, api/engine-tasks/). */
  loadModel?: ModelLoader;
}

const loadAfresh: ModelLoader = async (tf, runDir, which, graph) => {
  const model = await loadRunModel(tf, runDir, which, graph);
  return { model, release: () => model.dispose() };
};

export interface EvaluateRunOptions extends DatasetOptions {
  model: 'best' | 'last';
  backend: BackendName | 'auto';
}

/** The feature maps of a run's best model for one test image. */
export async function runFeatureMaps(runDir: string, index: number, options: DatasetOptions = {}): Promise<FeatureMaps> {
  const graph = await readRunGraph(runDir);
  const settings = graph.training;
  if (!settings) throw new StudioError(`${runDir} has no readable ${RUN_FILES.settings}`);
  await requireSavedModel(runDir, 'best');
  const backend = await loadFastestBackend();
  const loaded = await (options.loadModel ?? loadAfresh)(backend.tf, runDir, 'best', graph);
  const { model } = loaded;
  try {
    const dataset = limitDataset(await readRunDataset(settings.dataset, options), settings.limit);
    if (!Number.isInteger(index) || index < 0 || index >= dataset.test.count) {
      throw new StudioError(`there is no test image ${index}; the test split has ${dataset.test.count}`);
    }
    const batch = fillTestBatch(dataset, dataset.test, [index]);
    const output = backend.tf.tidy(() => (model.predict(backend.tf.tensor4d(batch.images, [1, ...dataset.shape])) as tfjs.Tensor).argMax(-1));
    const predicted = (await output.data())[0]!;
    output.dispose();
    const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    return {
      index,
      label: dataset.test.labels[index]!,
      predicted,
      imageShape: dataset.shape,
      pixels: Array.from(dataset.test.pixels.subarray(index * size, (index + 1) * size)),
      layers: await featureMapsOf(backend.tf, model, graph, batch.images, dataset.shape),
      graph,
    };
  } finally {
    loaded.release();
  }
}

export async function evaluateRun(runDir: string, options: EvaluateRunOptions): Promise<Evaluation & { backend: string }> {
  const graph = await readRunGraph(runDir);
  const settings = graph.training;
  if (!settings) throw new StudioError(`${runDir} has no readable ${RUN_FILES.settings}`);
  await requireSavedModel(runDir, options.model);
  const backend = options.backend === 'auto' ? await loadFastestBackend() : await loadBackend(options.backend);
  const loaded = await (options.loadModel ?? loadAfresh)(backend.tf, runDir, options.model, graph);
  try {
    const dataset = limitDataset(await readRunDataset(settings.dataset, options), settings.limit);
    const logits = graph.nodes.some((n) => n.type === 'output' && n.params.activation === 'none');
    return { ...(await evaluateModel(backend.tf, loaded.model, dataset, dataset.test, { logits })), backend: backend.name };
  } finally {
    loaded.release();
  }
}

/** The dataset a run was trained on, resolved and read as the options say. */
export async function readRunDataset(name: string, options: DatasetOptions): Promise<ImageDataset> {
  const resolved = options.resolveDataset ? await options.resolveDataset(name) : name;
  return (options.loadDataset ?? loadDataset)(resolved);
}
