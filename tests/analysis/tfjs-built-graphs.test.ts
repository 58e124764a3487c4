/**
 * The analysis against graphs a real engine builds: random networks made layer by layer in
 * TensorFlow.js (tests/support/tfjs-random-graph.ts), with settings well beyond what the
 * analysis-filtered random graphs reach. The analysis must accept every one, without an error,
 * and give each block the shape and parameter counts tfjs gives its layers.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { seededRandom } from '../../main/data/random.ts';
import { tfjsRandomGraph } from '../support/tfjs-random-graph.ts';

const GRAPHS = 300;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('graphs TensorFlow.js builds', () => {
  it(`are accepted by the analysis with tfjs' shapes and parameter counts, block by block (${GRAPHS} random networks)`, () => {
    const random = seededRandom(20261203);
    const kinds = new Set<string>();
    for (let i = 0; i < GRAPHS; i++) {
      const { graph, model, blocks } = tfjsRandomGraph(tf, random);
      try {
        const label = `tfjs graph ${i}: ${JSON.stringify(graph.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params })))}`;
        const analysis = analyzeGraph(graph);
        expect(analysis.diagnostics.filter((d) => d.severity === 'error'), label).toEqual([]);
        for (const node of graph.nodes) {
          const built = blocks.get(node.id)!;
          const result = analysis.nodes[node.id]!;
          expect(result.outputShape, `${label}\n${node.id} (${node.type}) shape`).toEqual(built.shape);
          expect(result.params, `${label}\n${node.id} (${node.type}) parameters`).toEqual(built.params);
          kinds.add(node.type);
        }
        expect(analysis.totals.params.total).toBe(model.countParams());
      } finally {
        model.dispose();
      }
    }
    expect([...kinds].sort()).toEqual(
      ['activation', 'add', 'avgPool2d', 'batchNorm', 'concat', 'conv2d', 'dense', 'depthwiseConv2d', 'dropout', 'flatten', 'globalAvgPool', 'input', 'maxPool2d', 'output'],
    );
  });
});
