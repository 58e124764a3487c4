/**
 * Automatic layout for imported or messy graphs: blocks in rows by their depth from the input
 * (the longest path to them), branches side by side within a row, each row centred, and long
 * networks wrapped into several columns.
 */
import { buildTopology } from '../../../main/analysis/topology.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import type { Position } from './graph-edits.ts';

export const ROW_HEIGHT = 110;
export const COLUMN_WIDTH = 240;
export const COLUMN_GAP = 80;
export const ROWS_PER_COLUMN = 10;

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
  // Long networks wrap into columns of ROWS_PER_COLUMN rows, so a 30-block chain stays readable.
  const widest = Math.max(1, ...[...rows.values()].map((ids) => ids.length));
  const columnSpan = widest * COLUMN_WIDTH + COLUMN_GAP;
  const positions = new Map<string, Position>();
  for (const [row, ids] of rows) {
    const column = Math.floor(row / ROWS_PER_COLUMN);
    ids.forEach((id, branch) =>
      positions.set(id, {
        x: column * columnSpan + (branch - (ids.length - 1) / 2) * COLUMN_WIDTH,
        y: (row % ROWS_PER_COLUMN) * ROW_HEIGHT,
      }),
    );
  }
  return positions;
}

/** Whether a graph needs laying out: some block has no position. */
export function needsLayout(graph: GraphDocument): boolean {
  return graph.nodes.some((node) => node.position === undefined);
}
