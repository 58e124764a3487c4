/**
 * heavy-layer: one layer holds a large share of all trainable parameters.
 *
 * Journey, rounds 5 → 6: the final 7×7 convolution that turns a 7×7 map into ten class scores
 * holds 4,900 of round 5's 12,352 parameters (40 %); round 6 replaces it with average pooling
 * and a 1×1 convolution. A layer that collapses a whole feature map this way (a k×k conv whose
 * kernel covers the map, or Dense after Flatten) is flagged above `heavyLayerShare`; any other
 * layer only above `dominantLayerShare`, since in a small network the widest 3×3 conv holds a
 * third to a half of the parameters by design (rounds 6–10) while round 1's 1,024-filter conv
 * holding 74 % is worth a note. Judged only once the graph is analysed up to its output.
 */
import type { GraphAnalysis, NodeAnalysis, Shape } from '../../analysis/types.ts';
import type { GraphDocument, GraphNode } from '../../graph/types.ts';
import { formatCount, formatShare } from '../format.ts';
import { nodesById, walkUpstream } from '../graph-walk.ts';
import type { Advice, GraphRule } from '../types.ts';

export const heavyLayer: GraphRule = (graph, analysis, options) => {
  const total = analysis.totals.params.trainable;
  if (analysis.outputShape === null || !(total > 0)) return [];
  const layers = analysis.order.map((id) => analysis.nodes[id]).filter((n): n is NodeAnalysis => n !== undefined && n.params.trainable > 0);
  if (layers.length < 2) return [];

  const byId = nodesById(graph);
  const advice: { share: number; note: Advice }[] = [];
  for (const layer of layers) {
    const node = byId.get(layer.id);
    if (!node) continue;
    const share = layer.params.trainable / total;
    const collapse = collapsedMap(graph, analysis, node, layer);
    if (share <= (collapse ? options.heavyLayerShare : options.dominantLayerShare)) continue;
    const holds = `${node.id} holds ${formatCount(layer.params.trainable)} of ${formatCount(total)} trainable parameters (${formatShare(share)})`;
    advice.push({
      share,
      note: {
        rule: 'heavy-layer',
        severity: 'warning',
        nodeId: node.id,
        title: collapse ? 'Heavy layer at the end' : 'One layer holds most parameters',
        message: `${holds}; ${collapse ? collapseFix(node, layer, collapse) : dominantFix(node, layer)}`,
      },
    });
  }
  return advice.sort((a, b) => b.share - a.share).map((a) => a.note);
};

/** The feature map a layer turns into a flat set of scores at once, or undefined when it does not. */
function collapsedMap(graph: GraphDocument, analysis: GraphAnalysis, node: GraphNode, layer: NodeAnalysis): Shape | undefined {
  if (node.type === 'conv2d' || node.type === 'depthwiseConv2d') {
    const [input] = layer.inputShapes;
    const out = layer.outputShape;
    if (input?.length === 3 && input[0]! * input[1]! > 1 && out?.length === 3 && out[0] === 1 && out[1] === 1) return input;
    return undefined;
  }
  if (node.type === 'dense') {
    const found = walkUpstream(graph, node.id, (n) => n.type === 'dropout');
    if (found?.node.type !== 'flatten') return undefined;
    const map = analysis.nodes[found.node.id]?.inputShapes[0];
    if (map?.length === 3 && map[0]! * map[1]! > 1) return map;
  }
  return undefined;
}

function collapseFix(node: GraphNode, layer: NodeAnalysis, map: Shape): string {
  const channels = map[2]!;
  if (node.type === 'conv2d') {
    const [kh, kw] = node.params.kernelSize;
    const instead = channels * node.params.filters + (node.params.useBias ? node.params.filters : 0);
    return (
      `replace the ${kh}×${kw} convolution with global average pooling and a 1×1 convolution ` +
      `(${formatCount(instead)} parameters instead of ${formatCount(layer.params.trainable)}), as the journey's round 6 does.`
    );
  }
  if (node.type === 'dense') {
    const instead = channels * node.params.units + (node.params.useBias ? node.params.units : 0);
    return (
      `it reads all ${map[0]}×${map[1]}×${channels} values of the flattened map; put global average pooling in place of the Flatten ` +
      `so it reads ${formatCount(channels)} (${formatCount(instead)} parameters instead of ${formatCount(layer.params.trainable)}), as the journey's round 6 does.`
    );
  }
  return `it collapses the whole ${map[0]}×${map[1]} map at once; use global average pooling and a 1×1 convolution instead, as the journey's round 6 does.`;
}

function dominantFix(node: GraphNode, layer: NodeAnalysis): string {
  if (node.type === 'conv2d') {
    const [kh, kw] = node.params.kernelSize;
    const inputChannels = layer.inputShapes[0]?.[2];
    const reads = inputChannels === undefined ? '' : ` over ${formatCount(inputChannels)} input channels`;
    return (
      `its ${formatCount(node.params.filters)} ${kh}×${kw} filters${reads} dominate the network; use fewer filters, ` +
      `or a 1×1 convolution in front to cut the channels it reads, as the journey's rounds 2–3 did.`
    );
  }
  if (node.type === 'dense') {
    return `use fewer units (it has ${formatCount(node.params.units)}) or feed it fewer values, e.g. global average pooling instead of Flatten.`;
  }
  return 'make it smaller, or spread the work over more, narrower layers.';
}
