/**
 * The model a run trains, compiled with its optimizer and loss. The trainer builds one; every
 * data-parallel replica (parallel/replica-worker.ts) builds its own from the same graph and
 * settings, so what is trained, and how, is decided here once.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GraphAnalysis } from '../analysis/types.ts';
import { compileGraph, type TensorFlow } from '../compile/to-tfjs.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { createOptimizer } from './optimizers.ts';

/** The losses buildTrainingModel compiles with, by function: what a training program may compute itself. */
const crossEntropies = new WeakMap<object, { fromLogits: boolean }>();

/**
 * The model's loss when it is one of the two softmax cross-entropies compiled here (over the
 * softmax output, or over logits), null for any other loss: training programs (backends/wasm/
 * program/) compute these two themselves and leave every other loss to TensorFlow.js.
 */
export function crossEntropyOf(model: tfjs.LayersModel): { fromLogits: boolean } | null {
  const loss = model.lossFunctions?.[0];
  return (loss && crossEntropies.get(loss)) ?? null;
}

export interface TrainingModel {
  model: tfjs.LayersModel;
  optimizer: tfjs.Optimizer;
  /** The output block has no activation: the model gives logits, and the loss applies softmax itself. */
  logits: boolean;
}

/** Compiles `graph` with weights seeded by the run's seed, its optimizer at `learningRate` and its loss. */
export function buildTrainingModel(tf: TensorFlow, graph: GraphDocument, analysis: GraphAnalysis, settings: TrainingSettings, learningRate: number): TrainingModel {
  const model = compileGraph(tf, graph, { analysis, seed: settings.seed });
  const logits = graph.nodes.some((n) => n.type === 'output' && n.params.activation === 'none');
  const optimizer = createOptimizer(tf, settings, learningRate);
  const loss = logits
    ? (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred)
    : (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.metrics.categoricalCrossentropy(yTrue, yPred);
  crossEntropies.set(loss, { fromLogits: logits });
  model.compile({ optimizer, loss, metrics: ['accuracy'] });
  return { model, optimizer, logits };
}
