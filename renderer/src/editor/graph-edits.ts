/**
 * Edits of a graph document, as pure functions returning a new document (arrays are replaced, not
 * mutated, so the editor can keep old versions for undo and Svelte sees every change).
 */
import type { BlockParams, BlockType, GraphDocument, GraphEdge, GraphNode } from '../../../main/graph/types.ts';
import { MAX_ID_LENGTH } from '../../../main/graph/limits.ts';
import { BLOCK_DEFAULTS, ID_PREFIX } from './block-defaults.ts';

export type { Position } from './geometry.ts';
import type { Direction, Position } from './geometry.ts';
import type { BudgetKey } from '../../../main/analysis/budgets.ts';

/** The name of a design nobody has named yet; saving it to a file names it after the file. */
export const UNTITLED = 'Untitled';

export function emptyGraph(name = UNTITLED): GraphDocument {
  return { format: 'cnn-studio/graph', version: 2, name, nodes: [], edges: [] };
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

/** Moves blocks to `positions`; the same document when none of them moves (so a layout that changes nothing is no edit). */
export function moveNodes(graph: GraphDocument, positions: ReadonlyMap<string, Position>): GraphDocument {
  const moves = (node: GraphNode) => {
    const to = positions.get(node.id);
    return to !== undefined && (node.position?.x !== to.x || node.position?.y !== to.y);
  };
  if (!graph.nodes.some(moves)) return graph;
  return { ...graph, nodes: graph.nodes.map((node) => (moves(node) ? { ...node, position: positions.get(node.id)! } : node)) };
}

export function setParams<K extends BlockType>(graph: GraphDocument, id: string, params: BlockParams[K]): GraphDocument {
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === id ? ({ ...node, params } as GraphNode) : node)) };
}

/** Freezes (`false`) or thaws block `id`; a trainable block leaves the field out, since missing means trainable. */
export function setTrainable(graph: GraphDocument, id: string, trainable: boolean): GraphDocument {
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      if (node.id !== id) return node;
      const { trainable: _was, ...rest } = node;
      return (trainable ? rest : { ...rest, trainable: false }) as GraphNode;
    }),
  };
}

/** Why `name` cannot be the new name of block `id`; null when it can. Names are block ids. */
export function nameProblem(graph: GraphDocument, id: string, name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'a block needs a name';
  if (trimmed.length > MAX_ID_LENGTH) return `a name may have at most ${MAX_ID_LENGTH} characters`;
  if (trimmed !== id && graph.nodes.some((node) => node.id === trimmed)) return `another block is already called "${trimmed}"`;
  if (graph.groups?.some((group) => group.id === trimmed)) return `a group is already called "${trimmed}"`;
  return null;
}

/** Renames block `id` to `name` (its id), with its connections and group; unchanged if refused. */
export function renameNode(graph: GraphDocument, id: string, name: string): GraphDocument {
  const to = name.trim();
  if (to === id || nameProblem(graph, id, name) !== null) return graph;
  const rename = (end: string) => (end === id ? to : end);
  return {
    ...graph,
    nodes: graph.nodes.map((node) => (node.id === id ? { ...node, id: to } : node)),
    edges: graph.edges.map((edge) => (edge.source === id || edge.target === id ? { ...edge, source: rename(edge.source), target: rename(edge.target) } : edge)),
    ...(graph.groups ? { groups: graph.groups.map((group) => (group.nodes.includes(id) ? { ...group, nodes: group.nodes.map(rename) } : group)) } : {}),
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

/** Why a name is refused for the design (the document's `name`), or null. */
export function modelNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'the model needs a name';
  if (trimmed.length > MAX_ID_LENGTH) return `a name may have at most ${MAX_ID_LENGTH} characters`;
  return null;
}

/** The way data flows on the canvas, as kept with the design. */
export function directionOf(graph: GraphDocument): Direction {
  return graph.layout?.direction ?? 'down';
}

/** The design drawn compact (conv units folded) or not. */
export function withCompact(graph: GraphDocument, compact: boolean): GraphDocument {
  if ((graph.layout?.compact ?? false) === compact) return graph;
  const { compact: _old, ...layout } = graph.layout ?? {};
  return { ...graph, layout: compact ? { ...layout, compact } : layout };
}

/** Sets budget `key`, or removes it (and `budgets` when it is the last) for `undefined`. */
export function withBudget(graph: GraphDocument, key: BudgetKey, value: number | undefined): GraphDocument {
  if (graph.budgets?.[key] === value) return graph;
  const { [key]: _old, ...others } = graph.budgets ?? {};
  const budgets = value === undefined ? others : { ...others, [key]: value };
  const { budgets: _budgets, ...rest } = graph;
  return Object.keys(budgets).length > 0 ? { ...rest, budgets } : rest;
}

/** The design drawn with data flowing `direction`; `down` is the default and needs no field. */
export function withDirection(graph: GraphDocument, direction: Direction): GraphDocument {
  if (directionOf(graph) === direction && (direction === 'down' || graph.layout?.direction === direction)) return graph;
  return { ...graph, layout: { ...graph.layout, direction } };
}
