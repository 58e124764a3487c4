/**
 * Positions for a design that comes without them (an import, a hand-written file), good enough to
 * draw it once: one column in evaluation order. The canvas replaces them with the layered layout
 * (layout.ts) as soon as it has measured the blocks, which needs the real block sizes.
 */
import { buildTopology } from '../../../main/analysis/topology.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import { BLOCK_HEIGHT, GAP_ALONG, type Position } from './geometry.ts';

export function provisionalLayout(graph: GraphDocument): Map<string, Position> {
  const { order } = buildTopology(graph);
  const ordered = new Set(order);
  // Blocks on a cycle have no place in the order; they follow in document order.
  const ids = [...order, ...graph.nodes.map((node) => node.id).filter((id) => !ordered.has(id))];
  return new Map(ids.map((id, row) => [id, { x: 0, y: row * (BLOCK_HEIGHT + GAP_ALONG) }]));
}

/** Whether a design needs laying out: some block has no position. */
export function needsLayout(graph: GraphDocument): boolean {
  return graph.nodes.some((node) => node.position === undefined);
}
