/**
 * The whole round-10 network trained on wasm with the fast kernels against the cpu backend: same
 * weights, same batch, dropout rate 0 (masks are random), batch normalisation in training mode.
 * Compares the loss, the gradient of every trainable weight and the updated moving statistics.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { parseGraphJson } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { randomValues, relativeError, tf, wasmReady } from './wasm-test-utils.ts';

const BATCH = 4;

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
  grads: Map<string, Float32Array>;
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

async function trainStep(backend: 'cpu' | 'wasm', graph: GraphDocument, x: Float32Array, labels: number[]): Promise<Result> {
  await tf.setBackend(backend);
  const model = compileGraph(tf, graph);
  const values = weightValues(model).map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
  const xs = tf.tensor4d(x, [BATCH, 28, 28, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat());
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(xs, { training: true }) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
  }, vars);
  const result = {
    loss: value.dataSync()[0]!,
    grads: new Map(model.trainableWeights.map((w, i) => [w.name.replace(/_\d+$/, ''), grads[vars[i]!.name]!.dataSync() as Float32Array])),
    weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
  };
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

describe('round 10 trained on wasm matches the cpu backend', () => {
  beforeAll(wasmReady);

  it('loss, every weight gradient and the moving statistics', async () => {
    const graph = round10WithoutDropout();
    const x = randomValues(BATCH * 28 * 28, 41);
    const labels = [3, 1, 4, 1];
    const cpu = await trainStep('cpu', graph, x, labels);
    await trainStep('wasm', graph, x, labels); // the first use creates cached constants
    const before = tf.memory().numTensors;
    const wasm = await trainStep('wasm', graph, x, labels);
    expect(tf.memory().numTensors).toBe(before);

    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.loss)));
    expect([...wasm.grads.keys()]).toEqual([...cpu.grads.keys()]);
    expect(cpu.grads.size).toBe(7 + 2 * 6); // 7 conv kernels, γ and β of 6 batch norms
    for (const [name, expected] of cpu.grads) {
      // Relative to the gradient's own largest entry (gradients here are ≪ 1), floored at 1e-3:
      // bn4's β has a gradient that is zero in exact arithmetic (bn5 removes any per-channel
      // shift that passes through the linear conv5), so both backends return rounding noise.
      const largest = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(relativeError(wasm.grads.get(name)!, expected) / Math.max(1e-3, Math.min(1, largest)), name).toBeLessThan(5e-4);
    }
    // Moving mean and variance were updated in the training-mode forward pass.
    cpu.weights.forEach((expected, i) => {
      expect(relativeError(wasm.weights[i]!, expected), `weight ${i}`).toBeLessThan(1e-4);
    });
  });
});
