/**
 * Training programs (main/backends/wasm/program/) beyond round 10: every layer they run, against
 * the cpu backend's own gradients, and the designs they leave to TensorFlow.js. (Dilated
 * convolutions are left out of the comparison: TensorFlow.js has no gradient for them; the
 * kernels' own tests check theirs against direct loops, tests/backends/conv2d-backprop.test.ts.)
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { programFor, setTrainingProgramsAllowed, sliceGradients } from '../../main/train/parallel/slice-gradients.ts';
import { buildTrainingModel } from '../../main/train/training-model.ts';
import { chainOf, graphOf } from '../support/graphs.ts';
import { randomValues, relativeError, tf, wasmReady } from './wasm-test-utils.ts';

const settings = trainingSettingsSchema.parse({ batchSize: 3, optimizer: 'sgd', momentum: 0, learningRate: 1, seed: 5 });
const conv = (filters: number, extra: Record<string, unknown> = {}) => ({ type: 'conv2d', params: { filters, kernelSize: [3, 3], ...extra } });
const relu = { type: 'activation', params: { function: 'relu' } };

/** Every layer a program runs: same and valid padding, strides, dilation, biases, depthwise, pools, dense, an add of two branches, logits. */
const designs: [string, GraphDocument][] = [
  [
    'convolutions with bias and padding, pools, depthwise, batch norm, dense layers',
    chainOf([12, 12, 4], [
      conv(8, { padding: 'same', useBias: true }),
      relu,
      { type: 'avgPool2d', params: { poolSize: [2, 2] } },
      { type: 'depthwiseConv2d', params: { kernelSize: [3, 3], depthMultiplier: 2, padding: 'same', useBias: true } },
      { type: 'batchNorm' },
      relu,
      conv(12, { strides: [2, 2], useBias: false }),
      { type: 'maxPool2d', params: { poolSize: [2, 2], strides: [1, 1] } },
      { type: 'flatten' },
      { type: 'dense', params: { units: 16, useBias: true } },
      relu,
      { type: 'dense', params: { units: 10, useBias: false } },
      { type: 'output' },
    ]),
  ],
  [
    'two branches added, global average pooling to logits',
    graphOf(
      [
        { id: 'in', type: 'input', params: { height: 10, width: 10, channels: 3 } },
        { id: 'a', type: 'conv2d', params: { filters: 8, kernelSize: [3, 3], padding: 'same' } },
        { id: 'r', type: 'activation', params: { function: 'relu' } },
        { id: 'b', type: 'conv2d', params: { filters: 8, kernelSize: [3, 3], padding: 'same', useBias: false } },
        { id: 'sum', type: 'add' },
        { id: 'bn', type: 'batchNorm' },
        { id: 'gap', type: 'globalAvgPool', params: { keepDims: false } },
        { id: 'fc', type: 'dense', params: { units: 10 } },
        { id: 'out', type: 'output', params: { activation: 'none' } },
      ],
      [['in', 'a'], ['a', 'r'], ['r', 'b'], ['a', 'sum'], ['b', 'sum'], ['sum', 'bn'], ['bn', 'gap'], ['gap', 'fc'], ['fc', 'out']],
    ),
  ],
];

function inputsFor(graph: GraphDocument) {
  const input = graph.nodes.find((n) => n.type === 'input')!;
  const shape = input.type === 'input' ? ([input.params.height, input.params.width, input.params.channels] as [number, number, number]) : ([1, 1, 1] as [number, number, number]);
  const images = randomValues(3 * shape[0] * shape[1] * shape[2], 7);
  const targets = Float32Array.from({ length: 30 }, (_, i) => ([2, 7, 2][Math.floor(i / 10)] === i % 10 ? 1 : 0));
  return { shape, images, targets };
}

async function gradients(graph: GraphDocument, backend: 'cpu' | 'wasm', program: boolean) {
  await tf.setBackend(backend);
  setTrainingProgramsAllowed(program);
  const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
  // Same weights on both backends: seeded initialisers, and BatchNorm's statistics moved off 0 and 1.
  const values = model.weights.map((w, i) => tf.tensor(randomValues(w.shape.reduce((a, b) => a! * b!, 1)!, 300 + i).map((v) => (w.name.includes('variance') ? 1 + 0.3 * v : 0.3 * v)), w.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
  const { shape, images, targets } = inputsFor(graph);
  const used = backend === 'wasm' && programFor(tf, model) !== null;
  const slice = sliceGradients(tf, model, { images, targets, size: 3, imageShape: shape, classes: 10 }, 1, true);
  const result = { used, loss: slice.loss, grads: slice.grads.map((g) => g.dataSync() as Float32Array), weights: model.getWeights().map((w) => w.dataSync() as Float32Array) };
  tf.dispose(slice.grads);
  model.dispose();
  optimizer.dispose();
  return result;
}

describe('training programs', () => {
  beforeAll(wasmReady);
  afterEach(() => setTrainingProgramsAllowed(true));

  it.each(designs)('match the cpu backend on %s', async (_name, graph) => {
    const cpu = await gradients(graph, 'cpu', false);
    const wasm = await gradients(graph, 'wasm', true);
    expect(wasm.used).toBe(true);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, cpu.loss));
    expect(wasm.grads).toHaveLength(cpu.grads.length);
    cpu.grads.forEach((grad, i) => {
      const largest = grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(relativeError(wasm.grads[i]!, grad) / Math.max(1e-3, Math.min(1, largest)), `gradient ${i}`).toBeLessThan(5e-4);
    });
    cpu.weights.forEach((w, i) => expect(relativeError(wasm.weights[i]!, w), `weight ${i}`).toBeLessThan(1e-4));
  });

  /** A small design whose first block is `first`: with a plain convolution a program runs it. */
  const withFirst = (first: Record<string, unknown>) => chainOf([8, 8, 1], [first as { type: string }, relu, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }]);

  it('run the plain design the next cases change one thing of', async () => {
    await tf.setBackend('wasm');
    const graph = withFirst(conv(4));
    const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
    expect(programFor(tf, model)).not.toBeNull();
    model.dispose();
    optimizer.dispose();
  });

  it.each([
    ['a sigmoid activation', chainOf([8, 8, 1], [conv(4), { type: 'activation', params: { function: 'sigmoid' } }, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }])],
    ['a frozen block', withFirst({ ...conv(4), trainable: false })],
    ['explicit padding', withFirst(conv(4, { padding: [1, 1, 1, 1] }))],
  ])('leave a design with %s to TensorFlow.js, which still trains it', async (_what, graph) => {
    await tf.setBackend('wasm');
    const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
    expect(programFor(tf, model)).toBeNull();
    const { images, targets, shape } = inputsFor(graph);
    const slice = sliceGradients(tf, model, { images, targets, size: 3, imageShape: shape, classes: 10 }, 1, true);
    expect(slice.grads).toHaveLength(model.trainableWeights.length);
    expect(Number.isFinite(slice.loss)).toBe(true);
    tf.dispose(slice.grads);
    model.dispose();
    optimizer.dispose();
  });

  it('fuse ReLU, BatchNorm and Dropout into blocks that train like the layers one by one, masks included', async () => {
    const graph = chainOf([8, 8, 2], [
      conv(8, { padding: 'same' }),
      relu,
      { type: 'batchNorm' },
      { type: 'dropout', params: { rate: 0.3 } },
      conv(12),
      { type: 'batchNorm' },
      relu,
      { type: 'dropout', params: { rate: 0.5 } },
      { type: 'flatten' },
      { type: 'dense', params: { units: 10 } },
      { type: 'output' },
    ]);
    const run = async (program: boolean) => {
      await tf.setBackend('wasm');
      setTrainingProgramsAllowed(program);
      const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
      model.layers.filter((l) => l.getClassName() === 'Dropout').forEach((l, i) => ((l as unknown as { seed: number }).seed = 99 + i));
      const ops = programFor(tf, model)?.ops;
      const { images, targets, shape } = inputsFor(graph);
      const slice = sliceGradients(tf, model, { images, targets, size: 3, imageShape: shape, classes: 10 }, 1, true);
      const result = { ops, loss: slice.loss, grads: slice.grads.map((g) => g.dataSync() as Float32Array), weights: model.getWeights().map((w) => w.dataSync() as Float32Array) };
      tf.dispose(slice.grads);
      model.dispose();
      optimizer.dispose();
      return result;
    };
    const fused = await run(true);
    const layers = await run(false);
    expect(fused.ops).toEqual(['b1', 'b2+b3+b4', 'b5', 'b6+b7+b8', 'b9', 'b10']);
    expect(Math.abs(fused.loss - layers.loss)).toBeLessThan(1e-5);
    layers.grads.forEach((g, i) => {
      const largest = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(relativeError(fused.grads[i]!, g) / Math.max(1e-3, Math.min(1, largest)), `gradient ${i}`).toBeLessThan(1e-4);
    });
    layers.weights.forEach((w, i) => expect(relativeError(fused.weights[i]!, w), `weight ${i}`).toBeLessThan(1e-5));
  });

  it('draws the same dropout masks as the layer does through TensorFlow.js, from the layer\'s seed', async () => {
    const graph = chainOf([6, 6, 4], [conv(8, { padding: 'same' }), relu, { type: 'dropout', params: { rate: 0.4 } }, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }]);
    const run = async (program: boolean) => {
      await tf.setBackend('wasm');
      setTrainingProgramsAllowed(program);
      const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, 1);
      (model.layers.find((l) => l.getClassName() === 'Dropout') as unknown as { seed: number }).seed = 1234;
      const { images, targets, shape } = inputsFor(graph);
      const slice = sliceGradients(tf, model, { images, targets, size: 3, imageShape: shape, classes: 10 }, 1, true);
      const grads = slice.grads.map((g) => g.dataSync() as Float32Array);
      tf.dispose(slice.grads);
      model.dispose();
      optimizer.dispose();
      return { loss: slice.loss, grads };
    };
    const program = await run(true);
    const layers = await run(false);
    expect(Math.abs(program.loss - layers.loss)).toBeLessThan(1e-5);
    layers.grads.forEach((g, i) => expect(relativeError(program.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-5));
  });
});
