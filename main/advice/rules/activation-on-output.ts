/**
 * activation-on-output: an activation or BatchNorm is the last layer before the Output block.
 *
 * Journey lesson: "never put ReLU or BatchNorm on the last layer". The class scores must come
 * straight from the last convolution or Dense layer: a ReLU clips every negative score to 0, a
 * squashing function narrows their range, and BatchNorm pins their mean and spread. Walking back
 * from the Output block, Flatten, global and ordinary pooling, Dropout and linear activations are
 * passed over: they keep whatever the layer before them did to the scores.
 */
import type { GraphNode } from '../../graph/types.ts';
import { walkUpstream } from '../graph-walk.ts';
import type { Advice, GraphRule } from '../types.ts';

const PASS_THROUGH = new Set<GraphNode['type']>(['flatten', 'globalAvgPool', 'dropout', 'maxPool2d', 'avgPool2d']);

const passesThrough = (node: GraphNode) =>
  PASS_THROUGH.has(node.type) || (node.type === 'activation' && node.params.function === 'linear');

export const activationOnOutput: GraphRule = (graph) => {
  const advice: Advice[] = [];
  for (const output of graph.nodes.filter((n) => n.type === 'output')) {
    const found = walkUpstream(graph, output.id, passesThrough);
    if (!found) continue;
    const { node, passed } = found;
    const via = passed.length === 0 ? '' : ` (through ${passed.map((n) => n.id).reverse().join(', ')})`;
    const where = `${node.id} is the last layer before the Output block${via}`;
    if (node.type === 'batchNorm') {
      advice.push({
        rule: 'activation-on-output',
        severity: 'warning',
        nodeId: node.id,
        title: 'BatchNorm on the class scores',
        message: `${where}, so it normalises the class scores and pins their scale; delete it and let the layer before it give raw scores, as every round of the journey does.`,
      });
    } else if (node.type === 'activation') {
      const fn = node.params.function;
      advice.push({
        rule: 'activation-on-output',
        severity: 'warning',
        nodeId: node.id,
        title: `${fn} on the class scores`,
        message: `${where}, so ${effect(fn)}; delete it and let the layer before it give raw scores, as every round of the journey does.`,
      });
    }
  }
  return advice;
};

function effect(fn: string): string {
  switch (fn) {
    case 'relu':
    case 'relu6':
      return `${fn} clips every negative class score to 0 and the network cannot mark a class as unlikely`;
    case 'sigmoid':
    case 'tanh':
    case 'softsign':
      return `${fn} squeezes the class scores into a narrow range and softmax cannot tell the classes apart sharply`;
    default:
      return `${fn} bends the class scores before softmax sees them`;
  }
}
