/**
 * Frozen blocks in training, on the wasm backend with the studio's own gradient kernels and its
 * optimizer path (trainer.ts): the weights of a block with `trainable: false` leave training as
 * they came in, bit for bit; a frozen BatchNorm also keeps its moving mean and variance (Keras'
 * inference mode); the other blocks learn. The starting weights are those of the same graph
 * compiled with the same seed, as the trainer compiles it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../main/backends/ladder.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import type { ImageDataset } from '../../main/data/dataset.ts';
import { seededRandom } from '../../main/data/random.ts';
import type { GraphDocument, GraphNode } from '../../main/graph/types.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { train } from '../../main/train/trainer.ts';
import { quickSettings } from '../support/training.ts';

let backend: LoadedBackend;

beforeAll(async () => {
  backend = await loadBackend('wasm');
});

/** reports/02 after import: conv and the first Dense frozen in Keras, BatchNorm and the head trained. */
function frozenReport(): GraphDocument {
  const result = importKerasTopology(JSON.parse(readFileSync(new URL('../fixtures/reports/02-frozen-layers.json', import.meta.url), 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.graph;
}

/** 10×10 grey images of 3 classes, each class a brighter band in its own rows. */
function bands(count: number): ImageDataset {
  const random = seededRandom(7);
  const split = () => {
    const pixels = new Uint8Array(count * 100);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 3;
      for (let p = 0; p < 100; p++) pixels[i * 100 + p] = Math.floor(random() * 80) + (Math.floor(p / 10 / 3.4) === labels[i] ? 150 : 0);
    }
    return { count, pixels, labels };
  };
  return { name: 'bands', shape: [10, 10, 1], classNames: ['top', 'middle', 'bottom'], train: split(), test: split(), normalization: { mean: 0.3, std: 0.3 } };
}

type Weights = Map<string, Float32Array[]>;

function weightsOf(model: tfjs.LayersModel, graph: GraphDocument): Weights {
  const names = layerNames(graph);
  return new Map(graph.nodes.filter((n) => n.type !== 'input').map((node) => [node.id, model.getLayer(names.get(node.id)!).getWeights().map((w) => Float32Array.from(w.dataSync()))]));
}

async function trainedWeights(graph: GraphDocument): Promise<{ before: Weights; after: Weights }> {
  const settings = quickSettings({ epochs: 2, batchSize: 16, learningRate: 0.1, limit: undefined, seed: 11 });
  const initial = compileGraph(backend.tf, graph, { seed: settings.seed });
  const before = weightsOf(initial, graph);
  initial.dispose();
  let after: Weights | undefined;
  await train({
    tf: backend.tf,
    backend: backend.name,
    graph,
    dataset: bands(96),
    settings,
    emit: () => {},
    isCancelled: () => false,
    checkpoint: async (model) => {
      after = weightsOf(model, graph);
    },
  });
  return { before, after: after! };
}

const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((w, i) => w.every((v, j) => Object.is(v, b[i]![j])));

describe('training frozen blocks on wasm', () => {
  it('leaves the frozen conv and Dense of reports/02 exactly as they were, and trains the rest', async () => {
    const graph = frozenReport();
    expect(graph.nodes.filter((n) => n.trainable === false).map((n) => n.id)).toEqual(['frozen_conv', 'frozen_fc']);
    const { before, after } = await trainedWeights(graph);
    expect(same(before.get('frozen_conv')!, after.get('frozen_conv')!)).toBe(true);
    expect(same(before.get('frozen_fc')!, after.get('frozen_fc')!)).toBe(true);
    expect(same(before.get('bn')!, after.get('bn')!)).toBe(false);
    expect(same(before.get('head')!, after.get('head')!)).toBe(false);
  });

  it('keeps a frozen BatchNorm in inference mode: γ, β, moving mean and variance all unchanged', async () => {
    const graph = frozenReport();
    const frozen = { ...graph, nodes: graph.nodes.map((n): GraphNode => (n.id === 'bn' ? { ...n, trainable: false } : n)) };
    const { before, after } = await trainedWeights(frozen);
    // [gamma, beta, moving mean, moving variance]
    expect(after.get('bn')!.length).toBe(4);
    expect(same(before.get('bn')!, after.get('bn')!)).toBe(true);
    expect(same(before.get('head')!, after.get('head')!)).toBe(false);
  });

  it('trains a BatchNorm without shift or scale, whose moving statistics still follow the batches', async () => {
    const graph = frozenReport();
    const bare = { ...graph, nodes: graph.nodes.map((n): GraphNode => (n.type === 'batchNorm' ? { ...n, params: { ...n.params, center: false, scale: false } } : n)) };
    const { before, after } = await trainedWeights(bare);
    // Only the moving mean and variance: no γ, no β.
    expect(after.get('bn')!.length).toBe(2);
    expect(same(before.get('bn')!, after.get('bn')!)).toBe(false);
  });
});
