/**
 * The whole round-10 network trained on wasm against the cpu backend: same weights, same batch,
 * dropout rate 0 (the two backends draw different masks), batch normalisation in training mode.
 * Compares the loss, the gradient of every trainable weight and the updated moving statistics,
 * for each way a step runs on wasm:
 *   - through TensorFlow.js (the tape over the fast kernels),
 *   - as a training program (backends/wasm/program/: the same kernels called directly),
 *   - split over two replicas (train/parallel/), whose all-reduced gradient must equal the sum
 *     of the slices' gradients on the cpu backend, each slice normalised by its own statistics.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import type { ImageDataset } from '../../main/data/dataset.ts';
import { parseGraphJson } from '../../main/graph/load.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createOptimizer } from '../../main/train/optimizers.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { ReplicaPool } from '../../main/train/parallel/replica-pool.ts';
import { programFor, setTrainingProgramsAllowed, sliceGradients } from '../../main/train/parallel/slice-gradients.ts';
import { buildTrainingModel } from '../../main/train/training-model.ts';
import { randomValues, relativeError, tf, wasmReady } from './wasm-test-utils.ts';

const BATCH = 4;
const SHAPE: [number, number, number] = [28, 28, 1];

function round10WithoutDropout(): GraphDocument {
  const file = fileURLToPath(new URL('../../resources/journey/round-10.json', import.meta.url));
  const loaded = parseGraphJson(readFileSync(file, 'utf8'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const graph = structuredClone(loaded.graph);
  for (const node of graph.nodes) if (node.type === 'dropout') node.params.rate = 0;
  return graph;
}

interface Result {
  loss: number;
  grads: Float32Array[];
  /** All weights after the step: the moving statistics were updated in the forward pass. */
  weights: Float32Array[];
}

/** Deterministic weights of the usual scale: Glorot-uniform kernels, γ ≈ 1, β ≈ 0, fresh statistics. */
function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w, i) => {
    const size = w.shape.reduce((a, b) => a! * b!, 1)!;
    const r = randomValues(size, 100 + i);
    if (w.name.includes('kernel')) {
      const [kh, kw, ci, co] = w.shape as number[];
      const limit = Math.sqrt(6 / (kh! * kw! * (ci! + co!)));
      return r.map((v) => v * limit);
    }
    if (w.name.includes('gamma')) return r.map((v) => 1 + 0.2 * v);
    if (w.name.includes('beta') || w.name.includes('moving_mean')) return r.map((v) => 0.1 * v);
    return r.map((v) => 1 + 0.1 * v); // moving variance
  });
}

function setWeights(model: tf.LayersModel): void {
  const values = weightValues(model).map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
}

const images = randomValues(BATCH * 28 * 28, 41);
const labels = [3, 1, 4, 1];
const targets = Float32Array.from({ length: BATCH * 10 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0));
const settings = trainingSettingsSchema.parse({ batchSize: BATCH, optimizer: 'sgd', momentum: 0, learningRate: 1 });

/** The reference: the cpu backend, TensorFlow.js's own gradients of the mean cross-entropy over images [start, end). */
async function onCpu(graph: GraphDocument, start: number, end: number): Promise<Result> {
  await tf.setBackend('cpu');
  const model = compileGraph(tf, graph);
  setWeights(model);
  const size = end - start;
  const xs = tf.tensor4d(images.subarray(start * 784, end * 784), [size, ...SHAPE]);
  const ys = tf.tensor2d(targets.subarray(start * 10, end * 10), [size, 10]);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
  const result = {
    loss: value.dataSync()[0]!,
    grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array),
    weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
  };
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

/** One slice's gradients on wasm through sliceGradients, as a training program or through TensorFlow.js. */
async function onWasm(graph: GraphDocument, program: boolean): Promise<Result> {
  await tf.setBackend('wasm');
  setTrainingProgramsAllowed(program);
  const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
  setWeights(model);
  expect(programFor(tf, model) !== null).toBe(program);
  const slice = sliceGradients(tf, model, { images, targets, size: BATCH, imageShape: SHAPE, classes: 10 }, 1, true);
  const result = {
    loss: slice.loss,
    grads: slice.grads.map((g) => g.dataSync() as Float32Array),
    weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
  };
  tf.dispose(slice.grads);
  model.dispose();
  optimizer.dispose();
  return result;
}

function expectClose(actual: Result, expected: Result): void {
  expect(Math.abs(actual.loss - expected.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected.loss)));
  expect(actual.grads).toHaveLength(7 + 2 * 6); // 7 conv kernels, γ and β of 6 batch norms
  expected.grads.forEach((grad, i) => {
    // Relative to the gradient's own largest entry (gradients here are ≪ 1), floored at 1e-3:
    // bn4's β has a gradient that is zero in exact arithmetic (bn5 removes any per-channel
    // shift that passes through the linear conv5), so both backends return rounding noise.
    const largest = grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(relativeError(actual.grads[i]!, grad) / Math.max(1e-3, Math.min(1, largest)), `gradient ${i}`).toBeLessThan(5e-4);
  });
  // Moving mean and variance were updated in the training-mode forward pass.
  expected.weights.forEach((weight, i) => {
    expect(relativeError(actual.weights[i]!, weight), `weight ${i}`).toBeLessThan(1e-4);
  });
}

describe('round 10 trained on wasm matches the cpu backend', () => {
  beforeAll(wasmReady);
  afterEach(() => setTrainingProgramsAllowed(true));

  it('through TensorFlow.js: loss, every weight gradient and the moving statistics', async () => {
    const graph = round10WithoutDropout();
    const cpu = await onCpu(graph, 0, BATCH);
    await onWasm(graph, false); // the first use creates cached constants
    const before = tf.memory().numTensors;
    expectClose(await onWasm(graph, false), cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('as a training program: loss, every weight gradient and the moving statistics', async () => {
    const graph = round10WithoutDropout();
    const cpu = await onCpu(graph, 0, BATCH);
    await onWasm(graph, true);
    const before = tf.memory().numTensors;
    expectClose(await onWasm(graph, true), cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on two replicas: the all-reduced gradient is the sum of the slices\' gradients, the statistics their mean', async () => {
    const graph = round10WithoutDropout();
    const halves = [await onCpu(graph, 0, 2), await onCpu(graph, 2, 4)];
    // The batch's gradient: each half's mean-loss gradient weighted by its share (2 of 4 images).
    const expectedGrads = halves[0]!.grads.map((g, i) => g.map((v, k) => 0.5 * v + 0.5 * halves[1]!.grads[i]![k]!));
    const expectedStates = halves[0]!.weights.map((w, i) => w.map((v, k) => (v + halves[1]!.weights[i]![k]!) / 2));

    await tf.setBackend('wasm');
    const { model } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
    setWeights(model);
    const trainable = new Set(model.trainableWeights.map((w) => w.name));
    const before = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    // Plain SGD at rate 1 and the gradient it was given, recorded as it arrives.
    const received: Float32Array[] = [];
    const optimizer = createOptimizer(tf, trainingSettingsSchema.parse({ optimizer: 'sgd', momentum: 0 }), 1);
    const apply = optimizer.applyGradients.bind(optimizer);
    // Through applyGradients, not in place, so that the gradient can be seen.
    optimizer.sgdUpdate = () => null;
    optimizer.applyGradients = (grads) => {
      received.splice(0, received.length, ...(grads as { tensor: tf.Tensor }[]).map((g) => g.tensor.dataSync().slice() as Float32Array));
      apply(grads);
    };
    const dataset = { name: 'test', shape: SHAPE, classNames: Array.from({ length: 10 }, String), normalization: { mean: 0, std: 1 } } as unknown as ImageDataset;
    const pool = await ReplicaPool.start({ tf, backend: 'wasm', replicas: 2, model, optimizer, graph, settings, dataset, learningRate: 1 });
    try {
      const { loss } = await pool.step({ images, labels: targets, size: BATCH }, { learningRate: 1, momentum: null });
      expect(Math.abs(loss - (halves[0]!.loss + halves[1]!.loss) / 2)).toBeLessThan(1e-4);
      expectedGrads.forEach((grad, i) => {
        const largest = grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(relativeError(received[i]!, grad) / Math.max(1e-3, Math.min(1, largest)), `gradient ${i}`).toBeLessThan(5e-4);
      });
      // Non-trainable weights (the moving statistics): the mean of the two replicas'.
      model.weights.forEach((w, i) => {
        if (trainable.has(w.name)) return;
        expect(relativeError(w.read().dataSync(), expectedStates[i]!), w.name).toBeLessThan(1e-4);
        expect(relativeError(w.read().dataSync(), before[i]!), `${w.name} moved`).toBeGreaterThan(0);
      });
    } finally {
      await pool.dispose();
      model.dispose();
      optimizer.dispose();
    }
  }, 120_000);
});
