/**
 * Edits of a graph document, as pure functions returning a new document (arrays are replaced, not
 * mutated, so the editor can keep old versions for undo and Svelte sees every change).
 */
import type { BlockParams, BlockType, GraphDocument, GraphEdge, GraphNode } from '../../../main/graph/types.ts';
import { BLOCK_DEFAULTS, ID_PREFIX } from './block-defaults.ts';

export type Position = { x: number; y: number };

export function emptyGraph(name = 'Untitled'): GraphDocument {
  return { format: 'cnn-studio/graph', version: 1, name, nodes: [], edges: [] };
}

/** Every edge gets an id, so the canvas can select and delete it. */
export function withEdgeIds(graph: GraphDocument): GraphDocument {
  if (graph.edges.every((edge) => edge.id)) return graph;
  const taken = new Set(graph.edges.map((edge) => edge.id).filter(Boolean));
  return { ...graph, edges: graph.edges.map((edge) => (edge.id ? edge : { ...edge, id: freshEdgeId(taken, edge) })) };
}

function freshEdgeId(taken: Set<string | undefined>, edge: GraphEdge): string {
  let id = `${edge.source}->${edge.target}`;
  for (let n = 2; taken.has(id); n++) id = `${edge.source}->${edge.target}#${n}`;
  taken.add(id);
  return id;
}

export function nextNodeId(graph: GraphDocument, type: BlockType): string {
  const prefix = ID_PREFIX[type];
  const taken = new Set(graph.nodes.map((node) => node.id));
  if (!taken.has(prefix) && (type === 'input' || type === 'output')) return prefix;
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function addNode(graph: GraphDocument, type: BlockType, position: Position): { graph: GraphDocument; id: string } {
  const id = nextNodeId(graph, type);
  const node = { id, type, params: structuredClone(BLOCK_DEFAULTS[type]), position } as GraphNode;
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

export function removeElements(graph: GraphDocument, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): GraphDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => !nodes.has(node.id)),
    edges: graph.edges.filter((edge) => !edges.has(edge.id ?? '') && !nodes.has(edge.source) && !nodes.has(edge.target)),
  };
}

/** Why a connection is refused outright; shape problems are left to the analysis to report. */
export function connectionProblem(graph: GraphDocument, source: string, target: string): string | null {
  if (source === target) return 'a block cannot feed itself';
  if (graph.edges.some((edge) => edge.source === source && edge.target === target)) return 'these blocks are already connected';
  return null;
}

export function connect(graph: GraphDocument, source: string, target: string): GraphDocument {
  if (connectionProblem(graph, source, target)) return graph;
  const taken = new Set(graph.edges.map((edge) => edge.id));
  const edge = { source, target, id: freshEdgeId(taken, { source, target }) };
  return { ...graph, edges: [...graph.edges, edge] };
}

export function moveNodes(graph: GraphDocument, positions: ReadonlyMap<string, Position>): GraphDocument {
  return { ...graph, nodes: graph.nodes.map((node) => (positions.has(node.id) ? { ...node, position: positions.get(node.id)! } : node)) };
}

export function setParams<K extends BlockType>(graph: GraphDocument, id: string, params: BlockParams[K]): GraphDocument {
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === id ? ({ ...node, params } as GraphNode) : node)) };
}

export function setLabel(graph: GraphDocument, id: string, label: string): GraphDocument {
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      if (node.id !== id) return node;
      const { label: _old, ...rest } = node;
      return (label.trim() === '' ? rest : { ...rest, label }) as GraphNode;
    }),
  };
}

/** The chosen blocks and the edges between them, for copy and duplicate. */
export interface Fragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function extractFragment(graph: GraphDocument, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    nodes: graph.nodes.filter((node) => ids.has(node.id)).map((node) => structuredClone(node)),
    edges: graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)).map((edge) => ({ ...edge })),
  };
}

/** Adds a copy of the fragment with fresh ids, shifted by `offset`; returns the new ids. */
export function insertFragment(graph: GraphDocument, fragment: Fragment, offset: Position): { graph: GraphDocument; ids: string[] } {
  let next = graph;
  const renamed = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = nextNodeId(next, node.type);
    renamed.set(node.id, id);
    const position = { x: (node.position?.x ?? 0) + offset.x, y: (node.position?.y ?? 0) + offset.y };
    next = { ...next, nodes: [...next.nodes, { ...structuredClone(node), id, position } as GraphNode] };
  }
  for (const edge of fragment.edges) next = connect(next, renamed.get(edge.source)!, renamed.get(edge.target)!);
  return { graph: next, ids: [...renamed.values()] };
}
