/**
 * Edits that keep a chain wired, as the best node editors do: a block inserted after another takes
 * over its outgoing connections, a block dropped on a connection splits it, and deleting a block
 * inside a chain joins its neighbours (Blender's "delete with reconnect"). Pure functions on the
 * document; where blocks go is placement.ts' job.
 */
import { analyzeGraph } from '../../../main/analysis/analyze.ts';
import type { GraphDocument, GraphEdge } from '../../../main/graph/types.ts';
import { connect, removeElements } from './graph-edits.ts';

/** A fresh edge id, unique in `graph`, in the house form `source->target`. */
function edgeId(taken: Set<string>, source: string, target: string): string {
  let id = `${source}->${target}`;
  for (let n = 2; taken.has(id); n++) id = `${source}->${target}#${n}`;
  taken.add(id);
  return id;
}

function takenEdgeIds(graph: GraphDocument): Set<string> {
  return new Set(graph.edges.map((edge) => edge.id).filter((id): id is string => id !== undefined));
}

/**
 * Wires block `id` (already in the graph, unconnected) into the chain after block `after`: every
 * connection leaving `after` now leaves `id`, in its place in the edge list (Concat keeps its
 * channel order), and `after` feeds `id`. An Output block is only connected (nothing may follow
 * it); inserting after an Output puts the new block before it instead; an Input is not wired.
 */
export function wireAfter(graph: GraphDocument, after: string, id: string): GraphDocument {
  const afterNode = graph.nodes.find((node) => node.id === after);
  const node = graph.nodes.find((n) => n.id === id);
  if (!afterNode || !node || node.type === 'input') return graph;
  if (afterNode.type === 'output') return wireBefore(graph, after, id);
  if (node.type === 'output') return connect(graph, after, id);
  const taken = takenEdgeIds(graph);
  const edges = graph.edges.map((edge) => (edge.source === after ? { ...edge, source: id, id: edgeId(taken, id, edge.target) } : edge));
  return { ...graph, edges: [...edges, { source: after, target: id, id: edgeId(taken, after, id) }] };
}

/** Wires block `id` in just before block `before`: what fed `before` feeds `id`, and `id` feeds `before`. */
export function wireBefore(graph: GraphDocument, before: string, id: string): GraphDocument {
  const taken = takenEdgeIds(graph);
  const edges = graph.edges.map((edge) => (edge.target === before ? { ...edge, target: id, id: edgeId(taken, edge.source, id) } : edge));
  return { ...graph, edges: [...edges, { source: id, target: before, id: edgeId(taken, id, before) }] };
}

/**
 * Splits connection `edge` with block `id`: source → id takes the connection's place in the edge
 * list (so a Concat input keeps its position), and id → target follows. Unchanged when the edge
 * is gone or `id` cannot sit inside a chain (Input, Output).
 */
export function wireIntoEdge(graph: GraphDocument, edge: string, id: string): GraphDocument {
  const split = graph.edges.find((e) => e.id === edge);
  const node = graph.nodes.find((n) => n.id === id);
  if (!split || !node || node.type === 'input' || node.type === 'output') return graph;
  const taken = takenEdgeIds(graph);
  const first: GraphEdge = { source: split.source, target: id, id: edgeId(taken, split.source, id) };
  // The second half stands where the old edge did: it is the one that feeds the old target, so
  // a Concat keeps its channel order.
  const second: GraphEdge = { source: id, target: split.target, id: edgeId(taken, id, split.target) };
  return { ...graph, edges: [...graph.edges.flatMap((e) => (e === split ? [second] : [e])), first] };
}

export interface Removal {
  graph: GraphDocument;
  /** Connections made across removed blocks, as `source → target`. */
  reconnected: string[];
  /** Why a run of removed blocks was left unbridged, when it had one way in and was refused. */
  refused: string[];
}

/**
 * Removes blocks and connections. Each run of removed blocks (connected among themselves) with
 * exactly one connection in and at least one out is bridged: its source feeds what the run fed,
 * in place. A bridge is made only when the shapes allow it, that is when the bridged graph has no
 * error the original did not have; otherwise the gap stays and `refused` says why.
 */
export function removeAndReconnect(graph: GraphDocument, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): Removal {
  const removed = new Set(nodeIds);
  const removedEdges = new Set(edgeIds);
  const plain = removeElements(graph, removed, removedEdges);
  if (removed.size === 0) return { graph: plain, reconnected: [], refused: [] };

  const before = errorKeys(graph, removed);
  const taken = takenEdgeIds(graph);
  /** Removed edges that a bridge replaces, in their place in the list. */
  const standIns = new Map<GraphEdge, GraphEdge>();
  let result = plain;
  const reconnected: string[] = [];
  const refused: string[] = [];
  for (const run of runsOf(graph, removed)) {
    const inward = graph.edges.filter((e) => run.has(e.target) && !run.has(e.source) && !removedEdges.has(e.id ?? ''));
    const outward = graph.edges.filter((e) => run.has(e.source) && !removed.has(e.target) && !removedEdges.has(e.id ?? ''));
    if (inward.length !== 1 || outward.length === 0 || removed.has(inward[0]!.source)) continue;
    const source = inward[0]!.source;
    const candidate = new Map(standIns);
    for (const edge of outward) {
      const kept = rebuild(graph, removed, removedEdges, candidate).edges;
      const duplicate = source === edge.target || kept.some((e) => e.source === source && e.target === edge.target);
      if (!duplicate) candidate.set(edge, { source, target: edge.target, id: edgeId(taken, source, edge.target) });
    }
    const bridged = rebuild(graph, removed, removedEdges, candidate);
    // Errors the gap itself causes (its targets unconnected) are not the bridge's doing.
    const added = newErrors(bridged, new Set([...before, ...errorKeys(result, removed)]), removed);
    if (added) {
      refused.push(`${[...run].join(', ')} not reconnected: ${added}`);
      continue;
    }
    for (const [edge, standIn] of candidate) standIns.set(edge, standIn);
    result = bridged;
    reconnected.push(...outward.map((e) => `${source} → ${e.target}`));
  }
  return { graph: result, reconnected, refused };
}

/** The graph without the removed blocks and edges, bridges standing where the edges they replace stood. */
function rebuild(graph: GraphDocument, removed: ReadonlySet<string>, removedEdges: ReadonlySet<string>, standIns: ReadonlyMap<GraphEdge, GraphEdge>): GraphDocument {
  const edges = graph.edges.flatMap((edge) => {
    const standIn = standIns.get(edge);
    if (standIn) return [standIn];
    return removed.has(edge.source) || removed.has(edge.target) || removedEdges.has(edge.id ?? '') ? [] : [edge];
  });
  return { ...removeElements(graph, removed, removedEdges), edges };
}

/** The removed blocks grouped into runs connected among themselves. */
function runsOf(graph: GraphDocument, removed: ReadonlySet<string>): Set<string>[] {
  const neighbours = new Map<string, string[]>([...removed].map((id) => [id, []]));
  for (const edge of graph.edges) {
    if (removed.has(edge.source) && removed.has(edge.target)) {
      neighbours.get(edge.source)!.push(edge.target);
      neighbours.get(edge.target)!.push(edge.source);
    }
  }
  const runs: Set<string>[] = [];
  const seen = new Set<string>();
  for (const start of removed) {
    if (seen.has(start) || !neighbours.has(start)) continue;
    const run = new Set<string>([start]);
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      for (const next of neighbours.get(stack.pop()!)!) {
        if (seen.has(next)) continue;
        seen.add(next);
        run.add(next);
        stack.push(next);
      }
    }
    runs.push(run);
  }
  return runs;
}

/** Errors by block and code, the removed blocks left out. */
function errorKeys(graph: GraphDocument, removed: ReadonlySet<string>): Set<string> {
  return new Set(
    analyzeGraph(graph)
      .diagnostics.filter((d) => d.severity === 'error' && d.nodeId !== undefined && !removed.has(d.nodeId))
      .map((d) => `${d.nodeId}\u0000${d.code}`),
  );
}

/** The first error in `graph` that `before` did not have, as "block: message"; null if none. */
function newErrors(graph: GraphDocument, before: ReadonlySet<string>, removed: ReadonlySet<string>): string | null {
  const added = analyzeGraph(graph).diagnostics.find(
    (d) => d.severity === 'error' && d.nodeId !== undefined && !removed.has(d.nodeId) && !before.has(`${d.nodeId}\u0000${d.code}`),
  );
  return added ? `${added.nodeId}: ${added.message}` : null;
}
