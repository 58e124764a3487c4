/** Graph structure: who feeds whom, an evaluation order, and the blocks caught in cycles. */
import type { GraphDocument } from '../graph/types.ts';

export interface Topology {
  /** Source node ids per node, in edge order (the order Concat joins them in). */
  incoming: Map<string, string[]>;
  outgoing: Map<string, string[]>;
  /** Every node reachable in dependency order; nodes on or behind a cycle are left out. */
  order: string[];
  /** Nodes that sit on a cycle. */
  cyclic: Set<string>;
}

export function buildTopology(graph: GraphDocument): Topology {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const node of graph.nodes) {
    incoming.set(node.id, []);
    outgoing.set(node.id, []);
  }
  for (const edge of graph.edges) {
    // Edges to unknown nodes are rejected at load; a graph built in memory may still have them.
    if (!incoming.has(edge.target) || !outgoing.has(edge.source)) continue;
    incoming.get(edge.target)!.push(edge.source);
    outgoing.get(edge.source)!.push(edge.target);
  }
  const order = kahnOrder(graph.nodes.map((n) => n.id), incoming, outgoing);
  return { incoming, outgoing, order, cyclic: findCyclic(order, incoming, outgoing) };
}

/** Kahn's algorithm; a FIFO seeded in document order keeps the order stable and readable. */
function kahnOrder(ids: string[], into: Map<string, string[]>, outOf: Map<string, string[]>): string[] {
  const remaining = new Map<string, number>();
  const queue: string[] = [];
  for (const id of ids) {
    const count = into.get(id)!.length;
    remaining.set(id, count);
    if (count === 0) queue.push(id);
  }
  for (let head = 0; head < queue.length; head++) {
    for (const next of outOf.get(queue[head]!)!) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  return queue;
}

/**
 * What Kahn's order leaves out is on a cycle or downstream of one. Peeling off, in reverse,
 * every left-out node that feeds nothing left out leaves the cycles themselves.
 */
function findCyclic(order: string[], into: Map<string, string[]>, outOf: Map<string, string[]>): Set<string> {
  if (order.length === into.size) return new Set();
  const ordered = new Set(order);
  const left = [...into.keys()].filter((id) => !ordered.has(id));
  const leftSet = new Set(left);
  const restrict = (map: Map<string, string[]>) =>
    new Map(left.map((id) => [id, map.get(id)!.filter((other) => leftSet.has(other))]));
  const peeled = kahnOrder(left, restrict(outOf), restrict(into));
  const downstreamOnly = new Set(peeled);
  return new Set(left.filter((id) => !downstreamOnly.has(id)));
}
