/**
 * Automatic layout for imported or messy graphs: blocks in rows by their depth from the input
 * (the longest path to them), branches side by side within a row, each row centred.
 */
import { buildTopology } from '../../../main/analysis/topology.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import type { Position } from './graph-edits.ts';

export const ROW_HEIGHT = 110;
export const COLUMN_WIDTH = 240;

export function autoLayout(graph: GraphDocument): Map<string, Position> {
  const { incoming, order } = buildTopology(graph);
  const depth = new Map<string, number>();
  for (const id of order) {
    const sources = incoming.get(id)!;
    depth.set(id, sources.length === 0 ? 0 : Math.max(...sources.map((source) => (depth.get(source) ?? 0) + 1)));
  }
  // Blocks on a cycle have no depth; put them in rows below everything else.
  let extra = Math.max(0, ...depth.values()) + 1;
  for (const node of graph.nodes) if (!depth.has(node.id)) depth.set(node.id, extra++);

  const rows = new Map<number, string[]>();
  for (const node of graph.nodes) {
    const row = depth.get(node.id)!;
    rows.set(row, [...(rows.get(row) ?? []), node.id]);
  }
  const positions = new Map<string, Position>();
  for (const [row, ids] of rows) {
    ids.forEach((id, column) => positions.set(id, { x: (column - (ids.length - 1) / 2) * COLUMN_WIDTH, y: row * ROW_HEIGHT }));
  }
  return positions;
}

/** Whether a graph needs laying out: some block has no position. */
export function needsLayout(graph: GraphDocument): boolean {
  return graph.nodes.some((node) => node.position === undefined);
}
