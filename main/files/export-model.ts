/**
 * Exports that carry weights: ONNX (a design with its initial weights, or a run's trained model)
 * and PyTorch with a run's trained weights (the module source, the weights as a NumPy .npz of its
 * state dict, and known predictions its own self-test checks). A design's initial weights are
 * the studio's own, seeded with the design's training seed; a run's are its saved best or last
 * model, whether the studio or the exported PyTorch training script trained it.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import { loadBackend } from '../backends/ladder.ts';
import { applyModelWeights, readModelWeights } from '../compile/model-weights.ts';
import { compileGraph } from '../compile/to-tfjs.ts';
import { fillBatch } from '../data/batches.ts';
import { limitDataset } from '../data/dataset.ts';
import { seededRandom } from '../data/random.ts';
import { describeError, StudioError } from '../errors.ts';
import { readRunDataset, type DatasetOptions } from '../evaluate/evaluate-run.ts';
import { GraphNotExportableError } from '../export/export-plan.ts';
import { exportOnnx } from '../export/onnx.ts';
import { pythonNames } from '../export/python-names.ts';
import { exportPyTorch } from '../export/pytorch.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { encodeOnnx } from '../onnx/codec.ts';
import { readRunRecord } from '../runs/run-folder.ts';
import { readRunGraph } from '../runs/run-history.ts';
import { loadRunModel } from '../runs/run-model.ts';
import type { ModelChoice } from '../runs/saved-models.ts';
import { npzBytes, type NpyArray } from '../weights/npz.ts';
import { toStateDict } from '../weights/torch-layout.ts';
import type { GraphWeights } from '../weights/types.ts';
import { refuseToReplaceGraph } from './file-format.ts';
import { writeAtomically } from './write-atomically.ts';

/** A design with weights, and where they come from in words. */
export interface WeightedDesign {
  graph: GraphDocument;
  weights: GraphWeights;
  from: string;
  /** The run they come from, with which of its models. */
  run?: { dir: string; which: ModelChoice };
}

/** How many test images the PyTorch export stores with their predictions. */
export const KNOWN_PREDICTIONS = 8;

/** The backend already running (the studio's evaluations run in this process too), else the plain cpu one. */
async function cpu(): Promise<void> {
  if (tf.engine().backendName == null) await loadBackend('cpu');
}

/** Rethrows an exporter's GraphNotExportableError as the StudioError it is for the user. */
function userError(error: unknown): never {
  if (error instanceof GraphNotExportableError) throw new StudioError(error.message);
  throw error;
}

/** The design with the weights training would start from: the studio's initialisation, seeded with its training seed. */
export async function initialWeights(graph: GraphDocument): Promise<WeightedDesign> {
  await cpu();
  const seed = (graph.training ?? trainingSettingsSchema.parse({})).seed;
  const analysis = analyzeGraph(graph);
  let model: tf.LayersModel;
  try {
    model = compileGraph(tf, graph, { analysis, seed });
  } catch (error) {
    throw new StudioError(`cannot export ${graph.name ? `"${graph.name}"` : 'the graph'}: ${describeError(error)}`);
  }
  try {
    return { graph, weights: readModelWeights(model, graph), from: `initial weights (seed ${seed})` };
  } finally {
    model.dispose();
  }
}

/** A run's graph with the weights of its saved best or last model. */
export async function runWeights(runDir: string, which: ModelChoice): Promise<WeightedDesign> {
  await cpu();
  const graph = await readRunGraph(runDir);
  const model = await loadRunModel(tf, runDir, which, graph);
  try {
    const record = await readRunRecord(runDir).catch(() => null);
    const epoch = which === 'best' ? record?.bestEpoch : record?.epochsDone;
    const accuracy = which === 'best' && record?.bestTestAccuracy != null ? `, test accuracy ${(record.bestTestAccuracy * 100).toFixed(2)} %` : '';
    const from = `run ${basename(runDir)}, ${which} model${epoch ? ` (epoch ${epoch}${accuracy})` : ''}`;
    return { graph, weights: readModelWeights(model, graph), from, run: { dir: runDir, which } };
  } finally {
    model.dispose();
  }
}

/** The design as ONNX protobuf bytes. */
export function onnxBytes(design: WeightedDesign): Uint8Array {
  try {
    return encodeOnnx(exportOnnx(design.graph, design.weights, { weightsFrom: design.from }));
  } catch (error) {
    userError(error);
  }
}

/** The design as an ONNX model file; a CNN Studio graph at `path` is never replaced. */
export async function writeOnnxExport(path: string, design: WeightedDesign): Promise<void> {
  await refuseToReplaceGraph(path);
  await writeAtomically(path, onnxBytes(design));
}

export const PYTORCH_FILES = { module: 'model.py', weights: 'weights.npz', checks: 'known-predictions.npz' } as const;

/**
 * The PyTorch module of the design with its weights, in `folder`: model.py, weights.npz (the
 * state dict) and known-predictions.npz (inputs and the studio's outputs for them). Returns the
 * files written and what the known predictions are.
 */
export async function writePyTorchExport(folder: string, design: WeightedDesign, datasets: DatasetOptions = {}): Promise<{ files: string[]; checks: string }> {
  await cpu();
  let source: string;
  try {
    source = exportPyTorch(design.graph, undefined, {
      trainedWeights: { weights: PYTORCH_FILES.weights, checks: PYTORCH_FILES.checks, from: design.from },
    });
  } catch (error) {
    userError(error);
  }
  const python = pythonNames(design.graph);
  const arrays = new Map<string, NpyArray>();
  for (const [name, tensor] of toStateDict(design.graph, design.weights, (id) => python.get(id)!)) {
    arrays.set(name, { dtype: '<f4', shape: tensor.shape, values: tensor.values });
  }
  // PyTorch's BatchNorm counts the batches it has seen; the studio keeps no such count.
  for (const node of design.graph.nodes) {
    if (node.type === 'batchNorm') arrays.set(`${python.get(node.id)}.num_batches_tracked`, { dtype: '<i8', shape: [], values: [0] });
  }
  const known = await knownPredictions(design, datasets);
  await mkdir(folder, { recursive: true });
  const files = [join(folder, PYTORCH_FILES.module), join(folder, PYTORCH_FILES.weights), join(folder, PYTORCH_FILES.checks)];
  await writeAtomically(files[1]!, npzBytes(arrays));
  await writeAtomically(files[2]!, npzBytes(known.arrays));
  await writeAtomically(files[0]!, source);
  return { files, checks: known.description };
}

/**
 * The first test images of the run's dataset (normalised as the studio feeds them, channels
 * first) with the studio's outputs for them; seeded random images when the dataset cannot be
 * read here, which the returned description says.
 */
async function knownPredictions(design: WeightedDesign, datasets: DatasetOptions): Promise<{ arrays: Map<string, NpyArray>; description: string }> {
  const analysis = analyzeGraph(design.graph);
  const [height, width, channels] = analysis.inputShape as [number, number, number];
  let images: Float32Array;
  let labels: number[] = [];
  let description: string;
  const settings = design.graph.training ?? trainingSettingsSchema.parse({});
  try {
    const dataset = limitDataset(await readRunDataset(settings.dataset, datasets), settings.limit);
    const count = Math.min(KNOWN_PREDICTIONS, dataset.test.count);
    if (dataset.shape.join() !== [height, width, channels].join()) throw new Error(`its images are ${dataset.shape.join('×')}, the design takes ${height}×${width}×${channels}`);
    const batch = fillBatch(dataset, dataset.test, Array.from({ length: count }, (_, i) => i), { rotate: 0, shift: 0 }, Math.random);
    images = batch.images;
    labels = Array.from(dataset.test.labels.subarray(0, count));
    description = `the first ${count} test images of ${dataset.name}`;
  } catch (error) {
    const random = seededRandom(settings.seed);
    images = Float32Array.from({ length: KNOWN_PREDICTIONS * height * width * channels }, () => random() * 2 - 1);
    description = `${KNOWN_PREDICTIONS} seeded random inputs (the dataset ${settings.dataset} could not be read: ${describeError(error)})`;
  }
  const count = images.length / (height * width * channels);
  const model = compileGraph(tf, design.graph, { analysis });
  try {
    applyModelWeights(tf, model, design.graph, analysis, design.weights, design.from);
    const [outputs, channelsFirst] = tf.tidy(() => {
      const input = tf.tensor4d(images, [count, height, width, channels]);
      return [(model.predict(input) as tf.Tensor).dataSync() as Float32Array, tf.transpose(input, [0, 3, 1, 2]).dataSync() as Float32Array];
    });
    const classes = analysis.outputShape![0]!;
    const arrays = new Map<string, NpyArray>([
      ['inputs', { dtype: '<f4', shape: [count, channels, height, width], values: channelsFirst }],
      ['outputs', { dtype: '<f4', shape: [count, classes], values: outputs }],
    ]);
    if (labels.length > 0) arrays.set('labels', { dtype: '<u1', shape: [labels.length], values: labels });
    return { arrays, description };
  } finally {
    model.dispose();
  }
}
