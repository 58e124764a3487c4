/**
 * Imported Keras models counted as TensorFlow.js counts them, layer by layer: the original file
 * loaded by TensorFlow.js itself (`countParams()` and `trainableWeights` per layer), and the
 * imported graph compiled again. A setting the import dropped (a frozen layer, a BatchNorm without
 * shift) shows up here as a layer whose counts differ.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphAnalysis } from '../../main/analysis/types.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import { importKerasTopology } from '../../main/import/keras.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const read = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** Files TensorFlow.js itself can load (it has no keepdims, and no Keras 3 InputLayer). */
const LOADABLE = [
  'reports/02-frozen-layers.json',
  'reports/09-bn-momentum.json',
  'keras/keras2.0-sequential-bare-list.json',
  'keras/tfjs-converted-lenet5.json',
  'keras/tfjs-layers-inception.json',
  'keras/tfjs-layers-sequential-depthwise.json',
];
const ALL = [...LOADABLE, 'keras/keras2-sequential-round07.json', 'keras/keras3-functional-resnet.json'];

const size = (w: { shape: readonly (number | null)[] }) => w.shape.reduce((a: number, b) => a * (b ?? 1), 1);

function imported(path: string): { analysis: GraphAnalysis; graph: ReturnType<typeof importKerasTopology> & { ok: true } } {
  const result = importKerasTopology(read(path));
  if (!result.ok) throw new Error(`${path}: ${result.problems.join('; ')}`);
  return { analysis: analyzeGraph(result.graph), graph: result };
}

/** Trainable and all parameters per layer with weights, by name. */
function countsOf(model: tf.LayersModel): Map<string, { trainable: number; total: number }> {
  return new Map(
    model.layers.filter((layer) => layer.weights.length > 0).map((layer) => [layer.name, { trainable: layer.trainableWeights.reduce((s, w) => s + size(w), 0), total: layer.countParams() }]),
  );
}

describe('imported Keras models against TensorFlow.js, layer by layer', () => {
  it.each(LOADABLE)('%s: the original, loaded by TensorFlow.js, has the counts of the imported blocks', async (path) => {
    const json = read(path);
    // Topology only: the weights named in a model.json are not here.
    const reference = await tf.models.modelFromJSON({ modelTopology: json.modelTopology ?? json } as never);
    const { analysis } = imported(path);
    try {
      for (const [name, counts] of countsOf(reference)) {
        const block = analysis.nodes[name]!.params;
        expect({ trainable: block.trainable, total: block.trainable + block.nonTrainable }, name).toEqual(counts);
      }
      const trainable = reference.trainableWeights.reduce((s, w) => s + size(w), 0);
      expect(analysis.totals.params).toEqual({ trainable, nonTrainable: reference.countParams() - trainable, total: reference.countParams() });
    } finally {
      reference.dispose();
    }
  });

  it.each(ALL)('%s: the imported graph compiles to layers with the counts of its blocks', (path) => {
    const { analysis, graph } = imported(path);
    const model = compileGraph(tf, graph.graph, { analysis });
    const names = layerNames(graph.graph);
    try {
      const counts = countsOf(model);
      for (const node of graph.graph.nodes) {
        const block = analysis.nodes[node.id]!.params;
        const layer = counts.get(names.get(node.id)!) ?? { trainable: 0, total: 0 };
        expect({ trainable: block.trainable, total: block.trainable + block.nonTrainable }, node.id).toEqual(layer);
      }
    } finally {
      model.dispose();
    }
  });

  it('reports/02 comes to 67 trainable, 8,304 non-trainable, 8,371 in all', () => {
    expect(imported('reports/02-frozen-layers.json').analysis.totals.params).toEqual({ trainable: 67, nonTrainable: 8_304, total: 8_371, });
  });
});
