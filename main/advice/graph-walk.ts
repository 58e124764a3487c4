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
