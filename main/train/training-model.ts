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
  model.compile({
    optimizer,
    loss: logits ? (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) : 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return { model, optimizer, logits };
}
