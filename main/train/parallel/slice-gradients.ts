/**
 * One replica's share of a training step: the forward and backward pass over its slice of the
 * batch. What tfjs-layers' trainOnBatch computes (LayersModel.makeTrainFunction: the compiled loss,
 * averaged, plus the regularisers' penalties), without the optimizer step, so that the gradients
 * of several slices can be added up before one update.
 *
 * A slice of b images out of a batch of B contributes (b / B)·mean loss over its images, so the
 * slices' gradients add up to the gradient of the mean loss over the whole batch: the batch size
 * and the learning rate mean what they mean on one thread. The regularisers' penalties belong to
 * the batch, not to a slice; one replica (the first) adds them.
 *
 * On wasm, a model whose layers and loss a training program covers (backends/wasm/program/) runs
 * as that program: the same kernels without TensorFlow.js's tape and bookkeeping. Anything else
 * goes through TensorFlow.js (tf.variableGrads over model.apply).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { TrainingProgram } from '../../backends/wasm/program/training-program.ts';
import type { TensorFlow } from '../../compile/to-tfjs.ts';
import { smoothTargets } from '../loss.ts';
import { crossEntropyOf } from '../training-model.ts';

export interface SliceGradients {
  /** One gradient per trainable weight, in `model.trainableWeights` order. The caller disposes them. */
  grads: tfjs.Tensor[];
  /** This slice's part of the batch loss: (b / B)·its mean loss, plus the penalties when asked. */
  loss: number;
  /** Images of the slice whose highest score is their label (the first highest, as tf.argMax). */
  correct: number;
}

/** A slice of a batch: normalised images and one-hot targets, rows of `classes`. */
export interface Slice {
  images: Float32Array;
  targets: Float32Array;
  size: number;
  imageShape: [number, number, number];
  classes: number;
}

/** The trainable variables behind a model's trainable weights (LayerVariable keeps its Variable in `val`). */
export function trainableVariables(model: tfjs.LayersModel): tfjs.Variable[] {
  return model.trainableWeights.map((weight) => (weight as unknown as { val: tfjs.Variable }).val);
}

const programs = new WeakMap<tfjs.LayersModel, TrainingProgram | null>();
let programsAllowed = true;

/** Turns training programs off (or on again): tests compare the two paths, measurements time both. */
export function setTrainingProgramsAllowed(allowed: boolean): void {
  programsAllowed = allowed;
}

/** The model's training program, built on first use; null where TensorFlow.js must train it. */
export function programFor(tf: TensorFlow, model: tfjs.LayersModel): TrainingProgram | null {
  if (!programsAllowed || tf.getBackend() !== 'wasm') return null;
  let program = programs.get(model);
  if (program === undefined) {
    const loss = crossEntropyOf(model);
    program = loss ? TrainingProgram.build(tf, model, loss) : null;
    programs.set(model, program);
  }
  return program;
}

/**
 * Gradients of `share`·mean loss over the slice, plus the regularisers' penalties when
 * `penalties`. The model must be compiled (its loss is used).
 */
export function sliceGradients(tf: TensorFlow, model: tfjs.LayersModel, slice: Slice, share: number, penalties: boolean): SliceGradients {
  const x = tf.tensor4d(slice.images, [slice.size, ...slice.imageShape]);
  try {
    const program = programFor(tf, model);
    if (program) {
      const { labelSmoothing } = crossEntropyOf(model)!;
      const targets = labelSmoothing === 0 ? slice.targets : smoothTargets(slice.targets, slice.classes, labelSmoothing);
      const step = program.run({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, targets, share);
      return { grads: step.grads.map((g) => tf.engine().makeTensorFromTensorInfo(g)), loss: step.loss, correct: step.correct };
    }
    return throughTensorFlow(tf, model, x, slice, share, penalties);
  } finally {
    x.dispose();
  }
}

function throughTensorFlow(tf: TensorFlow, model: tfjs.LayersModel, x: tfjs.Tensor, slice: Slice, share: number, penalties: boolean): SliceGradients {
  const lossFunction = model.lossFunctions[0]!;
  const variables = trainableVariables(model);
  const y = tf.tensor2d(slice.targets, [slice.size, slice.classes]);
  let output: tfjs.Tensor | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const prediction = model.apply(x, { training: true }) as tfjs.Tensor;
      output = tf.keep(prediction);
      let loss = tf.mean(lossFunction(y, prediction));
      if (share !== 1) loss = tf.mul(loss, share);
      if (penalties) for (const penalty of model.calculateLosses()) loss = tf.add(loss, penalty);
      return loss as tfjs.Scalar;
    }, variables);
    const loss = value.dataSync()[0]!;
    value.dispose();
    return { grads: variables.map((v) => grads[v.name]!), loss, correct: correctCount(output!.dataSync() as Float32Array, slice.targets, slice.classes) };
  } finally {
    y.dispose();
    output?.dispose();
  }
}

/** Rows whose highest score is the class of the highest target (the first highest of each, as tf.argMax). */
function correctCount(scores: Float32Array, targets: Float32Array, classes: number): number {
  let correct = 0;
  for (let at = 0; at < targets.length; at += classes) {
    let best = 0;
    let label = 0;
    for (let c = 1; c < classes; c++) {
      if (scores[at + c]! > scores[at + best]!) best = c;
      if (targets[at + c]! > targets[at + label]!) label = c;
    }
    if (best === label) correct++;
  }
  return correct;
}
