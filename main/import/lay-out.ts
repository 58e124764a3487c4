/**
 * Positions for the blocks of an imported model, so that it opens in the editor as a readable
 * drawing rather than a heap: shared by the Keras and ONNX importers.
 */

/** Horizontal distance between blocks side by side, and vertical distance between rows. */
const COLUMN_WIDTH = 220;
const ROW_HEIGHT = 90;

/** A block as an importer builds it, before the graph loader checks it. */
export interface DraftNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  trainable?: boolean;
  position?: { x: number; y: number };
}

export interface DraftEdge {
  source: string;
  target: string;
}

/**
 * Top to bottom: the row is the depth (the longest path from the input), the column the branch.
 * A block fed by one other sits in that block's column, spread out when it is one of several
 * such children (the branches of an inception block); a block joining branches sits between
 * them. Nodes arrive in dependency order.
 */
export function layOut(nodes: DraftNode[], edges: DraftEdge[]): void {
  const sources = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const children = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) sources.get(edge.target)!.push(edge.source);
  // Only children fed by this block alone open a branch; a join takes its place from all its inputs.
  for (const edge of edges) if (sources.get(edge.target)!.length === 1) children.get(edge.source)!.push(edge.target);

  const depth = new Map<string, number>();
  const column = new Map<string, number>();
  for (const node of nodes) {
    const from = sources.get(node.id)!;
    depth.set(node.id, from.length === 0 ? 0 : Math.max(...from.map((id) => depth.get(id)!)) + 1);
    let col = 0;
    if (from.length === 1) {
      const siblings = children.get(from[0]!)!;
      col = column.get(from[0]!)! + siblings.indexOf(node.id) - (siblings.length - 1) / 2;
    } else if (from.length > 1) {
      col = from.reduce((sum, id) => sum + column.get(id)!, 0) / from.length;
    }
    column.set(node.id, col);
    node.position = { x: col * COLUMN_WIDTH, y: depth.get(node.id)! * ROW_HEIGHT };
  }
}
