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
import { trainingLoss } from './loss.ts';
import { createOptimizer, type StudioOptimizer } from './optimizers.ts';

/** A softmax cross-entropy compiled here: over logits or over the softmax output, with its label smoothing. */
export interface CrossEntropy {
  fromLogits: boolean;
  labelSmoothing: number;
}

/** The losses buildTrainingModel compiles with, by function: what a training program may compute itself. */
const crossEntropies = new WeakMap<object, CrossEntropy>();

/**
 * The model's loss when it is the softmax cross-entropy compiled here, null for any other loss:
 * training programs (backends/wasm/program/) compute it themselves (smoothing the targets) and
 * leave every other loss to TensorFlow.js.
 */
export function crossEntropyOf(model: tfjs.LayersModel): CrossEntropy | null {
  const loss = model.lossFunctions?.[0];
  return (loss && crossEntropies.get(loss)) ?? null;
}

export interface TrainingModel {
  model: tfjs.LayersModel;
  optimizer: StudioOptimizer;
  /** The output block has no activation: the model gives logits, and the loss applies softmax itself. */
  logits: boolean;
}

/**
 * Compiles `graph` with weights initialised as the settings say (`init`) from the run's seed, its
 * optimizer at `learningRate` and its loss (label smoothing included).
 */
export function buildTrainingModel(tf: TensorFlow, graph: GraphDocument, analysis: GraphAnalysis, settings: TrainingSettings, learningRate: number): TrainingModel {
  const model = compileGraph(tf, graph, { analysis, seed: settings.seed, init: settings.init });
  const logits = graph.nodes.some((n) => n.type === 'output' && n.params.activation === 'none');
  const optimizer = createOptimizer(tf, settings, learningRate);
  const loss = trainingLoss(tf, logits, settings.labelSmoothing);
  crossEntropies.set(loss, { fromLogits: logits, labelSmoothing: settings.labelSmoothing });
  model.compile({ optimizer, loss, metrics: ['accuracy'] });
  return { model, optimizer, logits };
}
