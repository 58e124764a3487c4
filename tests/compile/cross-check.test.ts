/**
 * The analysis against a real engine: compile graphs with TensorFlow.js and compare every layer's
 * output shape and the parameter counts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { seededRandom } from '../../main/data/random.ts';
import { randomGraph } from '../support/random-graph.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectCompiledToMatchAnalysis(graph: GraphDocument): void {
  const analysis = analyzeGraph(graph);
  expect(analysis.diagnostics).toEqual([]);
  const model = compileGraph(tf, graph, { analysis });
  try {
    expect(model.countParams()).toBe(analysis.totals.params.total);
    const trainable = model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    expect(trainable).toBe(analysis.totals.params.trainable);
    const names = layerNames(graph);
    for (const node of graph.nodes) {
      const shape = analysis.nodes[node.id]!.outputShape!;
      // Flatten of a flat vector compiles to nothing; there is no layer to compare.
      if (node.type === 'flatten' && analysis.nodes[node.id]!.inputShapes[0]!.length === 1) continue;
      expect(model.getLayer(names.get(node.id)!).outputShape, `${node.id} (${node.type})`).toEqual([null, ...shape]);
    }
    // Symbolic shapes can disagree with what the kernels compute; run one sample through.
    const output = tf.tidy(() => model.predict(tf.randomNormal([1, ...analysis.inputShape!])) as tf.Tensor);
    expect(output.shape).toEqual([1, ...analysis.outputShape!]);
    output.dispose();
  } finally {
    model.dispose();
  }
}

describe('compiled models match the analysis', () => {
  const random = seededRandom(20261129);
  const graphs = Array.from({ length: 300 }, () => randomGraph(random));

  it('covers every block kind across the random graphs', () => {
    const kinds = new Set(graphs.flatMap((g) => g.nodes.map((n) => n.type)));
    expect([...kinds].sort()).toEqual(
      ['activation', 'add', 'avgPool2d', 'batchNorm', 'concat', 'conv2d', 'dense', 'depthwiseConv2d', 'dropout', 'flatten', 'globalAvgPool', 'input', 'maxPool2d', 'output'],
    );
  });

  it('gives the analysed output shape on every layer and the analysed parameter counts, and runs, for 300 random graphs', () => {
    for (const graph of graphs) expectCompiledToMatchAnalysis(graph);
  });

});

describe('compiled presets match the analysis', () => {
  const presets = [
    ...Array.from({ length: 11 }, (_, i) => journeyPath(i + 1)),
    ...['lenet-5', 'small-resnet', 'inception-block'].map((name) => `${RESOURCES}presets/${name}.json`),
  ];
  it.each(presets)('%s', (path) => expectCompiledToMatchAnalysis(loadPreset(path)));
});

describe('compiling an invalid graph', () => {
  it('refuses with the diagnostics instead of a TensorFlow.js error', () => {
    const graph = { format: 'cnn-studio/graph', version: 2, nodes: [], edges: [] } as GraphDocument;
    expect(() => compileGraph(tf, graph)).toThrow(/the graph has 2 errors: the graph has no Input block; the graph has no Output block/);
  });
});
