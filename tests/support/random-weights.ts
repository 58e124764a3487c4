/**
 * Seeded random weights for a graph, in the studio's layout (main/weights/types.ts): kernels
 * scaled by their fan-in so that activations stay near 1 however deep the graph, and biases and
 * every BatchNorm statistic away from their initial values, so that every convention shows.
 */
import type { GraphAnalysis } from '../../main/analysis/types.ts';
import { uniform, type Random } from '../../main/data/random.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { expectedWeights, type GraphWeights, type WeightTensor } from '../../main/weights/types.ts';

function randomTensor(random: Random, shape: number[], low: number, high: number): WeightTensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return { shape, values: Float32Array.from({ length: count }, () => uniform(random, low, high)) };
}

export function randomWeights(graph: GraphDocument, analysis: GraphAnalysis, random: Random): GraphWeights {
  const weights: GraphWeights = new Map();
  for (const id of analysis.order) {
    const node = graph.nodes.find((n) => n.id === id)!;
    const expected = expectedWeights(node, analysis.nodes[id]!.inputShapes[0] ?? []);
    if (expected.length === 0) continue;
    if (node.type === 'batchNorm') {
      // γ and the variance around 1, β and the mean around 0; γ or β absent without scale or center.
      const around: Record<string, [number, number]> = { gamma: [0.5, 1.5], beta: [-0.5, 0.5], 'moving mean': [-0.5, 0.5], 'moving variance': [0.5, 1.5] };
      weights.set(id, expected.map((e) => randomTensor(random, e.shape, ...around[e.name]!)));
      continue;
    }
    const kernel = expected[0]!.shape;
    const fanIn = node.type === 'dense' ? kernel[0]! : node.type === 'depthwiseConv2d' ? kernel[0]! * kernel[1]! : kernel[0]! * kernel[1]! * kernel[2]!;
    const bound = Math.sqrt(3 / fanIn);
    weights.set(id, [randomTensor(random, kernel, -bound, bound), ...expected.slice(1).map((e) => randomTensor(random, e.shape, -0.5, 0.5))]);
  }
  return weights;
}
