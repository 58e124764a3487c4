/**
 * BatchNorm without a learned scale or shift (Keras' `scale=False`, `center=False`) through every
 * export with weights: ONNX (its BatchNormalization takes γ = 1 and β = 0 where the block learns
 * none) computes what the studio computes and imports back to the same function, and the weights
 * go to a PyTorch state dict (affine=False, or the missing one fixed at its start value) and back.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { applyModelWeights, readModelWeights } from '../../main/compile/model-weights.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportOnnx } from '../../main/export/onnx.ts';
import { encodeOnnx, decodeOnnx } from '../../main/onnx/codec.ts';
import { fromStateDict, toStateDict } from '../../main/weights/torch-layout.ts';
import { weightsFromOnnx } from '../../main/weights/onnx-weights.ts';
import { chainOf } from '../support/graphs.ts';
import { runOnnx } from '../support/onnx-runtime.ts';
import { randomWeights } from '../support/random-weights.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const variants = [
  { center: false, scale: true },
  { center: true, scale: false },
  { center: false, scale: false },
];

describe.each(variants)('BatchNorm with center $center and scale $scale', (options) => {
  const graph = chainOf([6, 6, 2], [
    { type: 'conv2d', params: { filters: 3, kernelSize: 3, padding: 'same' } },
    { type: 'batchNorm', params: options },
    { type: 'globalAvgPool' },
    { type: 'output', params: { activation: 'none' } },
  ]);
  const analysis = analyzeGraph(graph);
  const model = compileGraph(tf, graph, { analysis, seed: 1 });
  applyModelWeights(tf, model, graph, analysis, randomWeights(graph, analysis, seededRandom(3)), 'the test');
  const weights = readModelWeights(model, graph);

  it('exports to ONNX computing what the studio computes, and reads its weights back', async () => {
    const onnx = encodeOnnx(exportOnnx(graph, weights, { weightsFrom: 'test' }, analysis));
    const batch = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 9);
    const expected = (model.predict(batch) as tf.Tensor).dataSync();
    const input = tf.transpose(batch, [0, 3, 1, 2]);
    const got = await runOnnx(onnx, input.dataSync() as Float32Array, input.shape);
    for (let i = 0; i < expected.length; i++) expect(got.values[i]).toBeCloseTo(expected[i]!, 5);
    expect(weightsFromOnnx(graph, decodeOnnx(onnx), 'test').get('b2')).toEqual(weights.get('b2'));
  });

  it('goes to a PyTorch state dict as the PyTorch export builds the layer, and back', () => {
    const state = toStateDict(graph, weights, (id) => id);
    const learns = options.center || options.scale;
    expect([...state.keys()].filter((k) => k.startsWith('b2.'))).toEqual(learns ? ['b2.weight', 'b2.bias', 'b2.running_mean', 'b2.running_var'] : ['b2.running_mean', 'b2.running_var']);
    expect(fromStateDict(graph, analysis, state, (id) => [id], 'test').get('b2')).toEqual(weights.get('b2'));
    // A scale or shift the block does not learn must be at its start value, or it would be lost.
    if (learns && (!options.scale || !options.center)) {
      const fixed = options.scale ? 'b2.bias' : 'b2.weight';
      const changed = new Map(state).set(fixed, { shape: [3], values: Float32Array.of(0.3, 0.3, 0.3) });
      expect(() => fromStateDict(graph, analysis, changed, (id) => [id], 'test')).toThrow(new RegExp(`${fixed.replace('.', '\\.')} holds values other than`));
    }
  });
});
