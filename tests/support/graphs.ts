/** Small helpers to write graphs in tests: a chain of blocks, or nodes and edges by hand. */
import { parseGraphDocument } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';

export interface RawNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
}

/** Loads a document through the real loader (defaults and shorthands applied); fails loudly if it does not load. */
export function graphOf(nodes: RawNode[], edges: [string, string][]): GraphDocument {
  const result = parseGraphDocument({
    format: 'cnn-studio/graph',
    version: 2,
    nodes,
    edges: edges.map(([source, target]) => ({ source, target })),
  });
  if (!result.ok) throw new Error(`test graph does not load: ${JSON.stringify(result.problems)}`);
  return result.graph;
}

/** Input → blocks in order → (nothing appended): ids are the block's position, `b1`, `b2`, … */
export function chainOf(input: [number, number, number], blocks: Omit<RawNode, 'id'>[]): GraphDocument {
  const nodes: RawNode[] = [
    { id: 'in', type: 'input', params: { height: input[0], width: input[1], channels: input[2] } },
    ...blocks.map((block, i) => ({ ...block, id: `b${i + 1}` })),
  ];
  const edges = nodes.slice(1).map((node, i): [string, string] => [nodes[i]!.id, node.id]);
  return graphOf(nodes, edges);
}
