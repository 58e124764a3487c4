/**
 * What every replica of a data-parallel run does in a step, the main thread's replica 0 and the
 * worker threads alike:
 *   1. the forward and backward pass over its slice of the batch (slice-gradients.ts), its
 *      gradients, moving statistics and loss written into its slot (shared-step.ts);
 *   2. the barrier: wait until every replica has written its slot;
 *   3. the all-reduce, which each replica does for itself in the same fixed order: gradients
 *      summed over replicas 0, 1, …, N − 1 in float64, then rounded once to float32, and the
 *      non-trainable weights (BatchNorm's moving mean and variance) averaged the same way;
 *   4. the optimizer's update with the summed gradients.
 * Every replica starts from the same weights and applies the same numbers, so the weights stay
 * identical everywhere, and a run with a given seed and number of replicas repeats bit for bit.
 *
 * BatchNorm: the batch statistics are per replica, over its slice, as in PyTorch's
 * DistributedDataParallel without SyncBatchNorm. The moving statistics, which DDP takes from
 * rank 0, are the mean of the replicas' (with equal slices that is the moving average of the
 * mean of the slices' batch statistics).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../../compile/to-tfjs.ts';
import type { StudioOptimizer } from '../optimizers.ts';
import { updateInPlace } from './in-place-update.ts';
import { setRates, type StepRates } from './stepper.ts';
import { sliceGradients, trainableVariables } from './slice-gradients.ts';
import type { SharedStep } from './shared-step.ts';

/** One step as every replica sees it. */
export interface StepCommand {
  type: 'step';
  /** Which set of slots (0 or 1). */
  set: number;
  /** Images in the whole batch. */
  batch: number;
  /** Replica r trains on images [starts[r], starts[r + 1]) of the batch; replicas with an empty slice sit the step out. */
  starts: number[];
  rates: StepRates;
  /** The seed of each Dropout layer for this batch (replica 0's; the others derive theirs), null without. */
  dropoutSeeds: (number | null)[];
}

/** Splits `batch` images as evenly as possible over `replicas`, the larger slices first. */
export function sliceStarts(batch: number, replicas: number): number[] {
  const starts = [0];
  for (let r = 0; r < replicas; r++) starts.push(starts[r]! + Math.floor(batch / replicas) + (r < batch % replicas ? 1 : 0));
  return starts;
}

/** Replica r's Dropout seed from replica 0's, so that the replicas' masks differ and repeat. */
export function replicaDropoutSeed(seed: number, replica: number): number {
  return replica === 0 ? seed : (seed ^ Math.imul(replica, 0x9e3779b9)) >>> 0;
}

interface SeededLayer {
  seed?: number;
}

export function dropoutLayers(model: tfjs.LayersModel): SeededLayer[] {
  return model.layers.filter((layer) => layer.getClassName() === 'Dropout') as unknown as SeededLayer[];
}

export class Replica {
  private readonly variables: tfjs.Variable[];
  private readonly dropout: SeededLayer[];
  private readonly classes: number;
  private readonly imageShape: [number, number, number];

  constructor(
    private readonly tf: TensorFlow,
    readonly index: number,
    readonly model: tfjs.LayersModel,
    readonly optimizer: StudioOptimizer,
    private readonly shared: SharedStep,
  ) {
    this.variables = trainableVariables(model);
    this.dropout = dropoutLayers(model);
    const input = model.inputs[0]!.shape;
    this.imageShape = [input[1]!, input[2]!, input[3]!];
    this.classes = shared.layout.classes;
    const trainable = sizeOfAll(model.trainableWeights.map((w) => w.shape as number[]));
    const state = sizeOfAll(model.nonTrainableWeights.map((w) => w.shape as number[]));
    if (trainable !== shared.layout.trainableValues || state !== shared.layout.stateValues) {
      throw new Error(`replica ${index} built a different model (${trainable} + ${state} values, expected ${shared.layout.trainableValues} + ${shared.layout.stateValues})`);
    }
  }

  /** Step 1: this replica's slice, into its slot. */
  computeSlice(command: StepCommand): void {
    const { tf, shared, index } = this;
    const start = command.starts[index]!;
    const end = command.starts[index + 1]!;
    if (end === start) return;
    command.dropoutSeeds.forEach((seed, i) => {
      if (seed !== null) this.dropout[i]!.seed = replicaDropoutSeed(seed, index);
    });
    const size = end - start;
    const { imageSize } = shared.layout;
    const classes = this.classes;
    const slice = {
      images: shared.images.subarray(start * imageSize, end * imageSize),
      targets: shared.labels.subarray(start * classes, end * classes),
      size,
      imageShape: this.imageShape,
      classes,
    };
    const result = sliceGradients(tf, this.model, slice, size / command.batch, index === 0);
    const slot = shared.gradientSlot(command.set, index);
    let at = 0;
    for (const grad of result.grads) {
      const values = grad.dataSync() as Float32Array;
      slot.set(values, at);
      at += values.length;
      grad.dispose();
    }
    const state = shared.stateSlot(command.set, index);
    at = 0;
    for (const weight of this.model.nonTrainableWeights) {
      const values = weight.read().dataSync() as Float32Array;
      state.set(values, at);
      at += values.length;
    }
    shared.setResult(command.set, index, result.loss, result.correct);
  }

  /** Steps 3 and 4: adds up the slots of the replicas that had images, and updates the weights. */
  reduceAndApply(command: StepCommand): { loss: number; correct: number } {
    const { tf, shared } = this;
    const active = activeReplicas(command);
    const gradient = addUp(active.map((r) => shared.gradientSlot(command.set, r)), 1);
    const state = addUp(active.map((r) => shared.stateSlot(command.set, r)), active.length);
    setRates(this.optimizer, command.rates);
    const offsets: number[] = [];
    let at = 0;
    for (const variable of this.variables) {
      offsets.push(at);
      at += variable.size;
    }
    const slice = (i: number) => gradient.subarray(offsets[i]!, offsets[i]! + this.variables[i]!.size);
    if (!updateInPlace(tf, this.optimizer, this.variables, slice)) {
      const grads = this.variables.map((variable, i) => ({ name: variable.name, tensor: tf.tensor(slice(i), variable.shape) }));
      this.optimizer.applyGradients(grads);
      for (const { tensor } of grads) tensor.dispose();
    }
    at = 0;
    for (const weight of this.model.nonTrainableWeights) {
      const size = sizeOf(weight.shape as number[]);
      const value = tf.tensor(state.subarray(at, at + size), weight.shape as number[]);
      weight.write(value);
      value.dispose();
      at += size;
    }
    let loss = 0;
    let correct = 0;
    for (const r of active) {
      const result = shared.result(command.set, r);
      loss += result.loss;
      correct += result.correct;
    }
    return { loss, correct };
  }
}

export function activeReplicas(command: StepCommand): number[] {
  const active: number[] = [];
  for (let r = 0; r + 1 < command.starts.length; r++) if (command.starts[r + 1]! > command.starts[r]!) active.push(r);
  return active;
}

/** (Σ slots, in order) / divisor, summed in float64 and rounded once to float32. */
function addUp(slots: Float32Array[], divisor: number): Float32Array {
  const n = slots[0]?.length ?? 0;
  const sum = new Float64Array(n);
  for (const slot of slots) for (let i = 0; i < n; i++) sum[i] = sum[i]! + slot[i]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sum[i]! / divisor;
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function sizeOfAll(shapes: number[][]): number {
  return shapes.reduce((sum, shape) => sum + sizeOf(shape), 0);
}

