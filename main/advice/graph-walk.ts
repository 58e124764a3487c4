/** Walking a graph by its edges, for rules that look at what feeds a block. */
import type { GraphDocument, GraphNode } from '../graph/types.ts';

/** The blocks that feed each block, in edge order; edges to unknown ids are left out. */
export function sourcesOf(graph: GraphDocument): Map<string, string[]> {
  const sources = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    if (sources.has(edge.source)) sources.get(edge.target)?.push(edge.source);
  }
  return sources;
}

export function nodesById(graph: GraphDocument): Map<string, GraphNode> {
  return new Map(graph.nodes.map((node) => [node.id, node]));
}

/**
 * From `start`, follow single inputs upstream while `passThrough` says the block does not
 * matter; returns the first block that does (with the ones passed on the way, nearest first),
 * or undefined where a block has no input or several, or the walk meets a cycle.
 */
export function walkUpstream(
  graph: GraphDocument,
  start: string,
  passThrough: (node: GraphNode) => boolean,
): { node: GraphNode; passed: GraphNode[] } | undefined {
  const sources = sourcesOf(graph);
  const byId = nodesById(graph);
  const passed: GraphNode[] = [];
  const seen = new Set<string>([start]);
  let current = start;
  for (;;) {
    const feeding = sources.get(current) ?? [];
    if (feeding.length !== 1) return undefined;
    const node = byId.get(feeding[0]!);
    if (!node || seen.has(node.id)) return undefined;
    seen.add(node.id);
    if (!passThrough(node)) return { node, passed };
    passed.push(node);
    current = node.id;
  }
}

/** The chain of single inputs ending at `end`, input side first; stops where a block has no input or several. */
export function chainUpTo(graph: GraphDocument, end: string): GraphNode[] {
  const sources = sourcesOf(graph);
  const byId = nodesById(graph);
  const chain: GraphNode[] = [];
  const seen = new Set<string>();
  let current = byId.get(end);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    const feeding = sources.get(current.id) ?? [];
    current = feeding.length === 1 ? byId.get(feeding[0]!) : undefined;
  }
  return chain;
}

const WEIGHTED = new Set<GraphNode['type']>(['conv2d', 'depthwiseConv2d', 'dense']);

/**
 * Where a graph has Dropout, block by block: a block is a convolution or Dense layer with what
 * follows it up to the next such layer. `without` lists the blocks in graph order that reach the
 * next weighted layer on some path with no Dropout on the way; the classifier (the last weighted
 * layer, whose outputs are the class scores) is never listed, since dropout there drops scores.
 * `rates` are the rates of the Dropout blocks there are.
 */
export function dropoutCoverage(graph: GraphDocument): { blocks: GraphNode[]; without: GraphNode[]; rates: number[] } {
  const targets = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) targets.get(edge.source)?.push(edge.target);
  const byId = nodesById(graph);

  /** What the paths from `id` meet first: a Dropout, another weighted layer, or the output. */
  const meets = (id: string, seen: Set<string>): Set<'dropout' | 'layer' | 'output'> => {
    const found = new Set<'dropout' | 'layer' | 'output'>();
    for (const next of targets.get(id) ?? []) {
      const node = byId.get(next);
      if (!node || seen.has(next)) continue;
      seen.add(next);
      if (node.type === 'dropout') found.add('dropout');
      else if (WEIGHTED.has(node.type)) found.add('layer');
      else if (node.type === 'output') found.add('output');
      else for (const what of meets(next, seen)) found.add(what);
    }
    return found;
  };

  const blocks: GraphNode[] = [];
  const without: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (!WEIGHTED.has(node.type)) continue;
    const met = meets(node.id, new Set([node.id]));
    if (met.has('output')) continue; // the classifier
    blocks.push(node);
    if (met.has('layer')) without.push(node);
  }
  const rates = graph.nodes.flatMap((node) => (node.type === 'dropout' ? [node.params.rate] : []));
  return { blocks, without, rates };
}
