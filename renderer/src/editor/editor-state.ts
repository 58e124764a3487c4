/**
 * The editor's state and every command that changes it, as one pure function. Menus, keyboard
 * shortcuts, the canvas and the tests all go through `applyCommand`, and each command decides
 * how undo records it (see history.ts).
 */
import type { BlockParams, BlockType, GraphDocument } from '../../../main/graph/types.ts';
import { removeAndReconnect, wireAfter, wireIntoEdge } from './chain-edits.ts';
import { blockMoves, canvasView, type CanvasView, type Card } from './canvas-view.ts';
import { bounds, estimatedSizes, GAP_ALONG, type Box, type Direction, type Position, type Size, type SizeOf } from './geometry.ts';
import {
  addNode,
  connect,
  emptyGraph,
  extractFragment,
  insertFragment,
  modelNameProblem,
  moveNodes,
  removeElements,
  renameNode,
  setParams,
  withEdgeIds,
  type Fragment,
} from './graph-edits.ts';
import { closeStep, emptyHistory, record, redo, undo, type Capture, type History } from './history.ts';
import { provisionalLayout, needsLayout } from './provisional-layout.ts';
import { groupBlocks, renameGroup, repeatGroup, setGroupCollapsed, ungroup } from './group-edits.ts';
import type { BudgetKey } from '../../../main/analysis/budgets.ts';
import { belowEverything, closeGap, freeSpot, makeRoom, sceneOf, slotAfter, type Scene } from './placement.ts';

export interface EditorState {
  graph: GraphDocument;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  history: History<GraphDocument>;
  clipboard: Fragment | null;
  /** The document as last opened or saved; the editor is dirty when `graph` is another one. */
  saved: GraphDocument;
  /** Where it was opened from or saved to; null for a new or preset design. */
  path: string | null;
  /** Conv units drawn open in the compact view, by their convolution (a view setting, not saved). */
  expandedUnits: ReadonlySet<string>;
  /**
   * The design came without positions and has only provisional ones: the canvas lays it out once
   * it has measured the blocks (layoutOnOpen). Any edit before that cancels it.
   */
  pendingLayout: boolean;
  /** Blocks the last command added, for the canvas to bring into view; a new object each time. */
  reveal: { ids: string[] } | null;
  /** A one-line note on what the last command did not do, and why (a deletion left unbridged). */
  note: string | null;
}

/**
 * What commands may know about the canvas: the size each block is drawn at (measured by the
 * canvas; estimated for blocks it has not drawn yet). Placement needs it; the state stays pure.
 */
export interface EditorContext {
  sizeOf: SizeOf;
}

const DEFAULT_CONTEXT: EditorContext = { sizeOf: estimatedSizes };

export type EditorCommand =
  | { type: 'new' }
  | { type: 'open'; graph: GraphDocument; path: string | null }
  /**
   * Opens a design that differs from what is on disk (a recovered draft, a backup opened in place
   * of its damaged file): the editor starts dirty, and saving writes `path`.
   */
  | { type: 'restore'; graph: GraphDocument; path: string | null }
  | { type: 'saved'; path: string }
  /**
   * Adds a block, unconnected: at the nearest free spot along the flow from `position` (its
   * top-left corner; a drop or the quick-add cursor), or below every block without one.
   */
  | { type: 'add'; blockType: BlockType; position?: Position }
  /**
   * Adds a block where the selection says: after the one selected block, into its chain (it takes
   * over that block's outgoing connections); into the one selected connection; otherwise as `add`.
   */
  | { type: 'insert'; blockType: BlockType; position?: Position }
  /** Adds a block into connection `edge` (a block dropped on it), near `position` when given. */
  | { type: 'insertIntoEdge'; blockType: BlockType; edge: string; position?: Position }
  | { type: 'connect'; source: string; target: string }
  /**
   * Clears collisions after cards changed size (measured for the first time, or taller with a
   * problem message): what collides with the cards `ids` moves along the flow. Joins the open
   * undo step.
   */
  | { type: 'makeRoom'; ids: Iterable<string> }
  /**
   * Moves blocks to laid-out positions in one undo step; `direction` and `compact` are kept with
   * the design. Layouts with the same `key` make one step (a layout refined once the canvas has
   * measured cards it had only estimated).
   */
  | { type: 'layout'; positions: ReadonlyMap<string, Position>; direction: Direction; compact?: boolean; key?: string }
  /**
   * Positions for a design that came without them (an import), computed right after opening: part
   * of opening, so no undo step, and a clean editor stays clean.
   */
  | { type: 'layoutOnOpen'; positions: ReadonlyMap<string, Position>; direction: Direction }
  /** One step of a drag; moves with the same `dragId` make one undo step. */
  | { type: 'move'; positions: ReadonlyMap<string, Position>; dragId: string }
  /** Ends a drag or a burst of typing, so the next change starts a new undo step. */
  | { type: 'closeStep' }
  /** With `mergeKey`, changes with the same key (keystrokes in one field) make one undo step. */
  | { type: 'setParams'; id: string; params: BlockParams[BlockType]; mergeKey?: string }
  /** Names the design (the document's `name`); a refused name (see modelNameProblem) leaves the state as it is. */
  | { type: 'setName'; name: string }
  /** Renames a block (its id); a refused name (see nameProblem) leaves the state as it is. */
  | { type: 'rename'; id: string; name: string }
  | { type: 'select'; nodes: Iterable<string>; edges?: Iterable<string> }
  /** Groups the selected blocks into a new group, drawn collapsed as one card. */
  | { type: 'group' }
  | { type: 'ungroup'; group: string }
  /** Collapses a group into one card, or expands it in place (what it would cover moves away). */
  | { type: 'setGroupCollapsed'; group: string; collapsed: boolean }
  | { type: 'renameGroup'; group: string; name: string }
  /** Stamps a group so that it appears `times` times in a chain (group-edits.ts). */
  | { type: 'repeatGroup'; group: string; times: number }
  /** Sets or (with `value` undefined) removes one budget; a burst of typing with one `mergeKey` is one step. */
  | { type: 'setBudget'; key: BudgetKey; value: number | undefined; mergeKey?: string }
  /** Opens or folds one conv unit of the compact view; opening makes room for its blocks. */
  | { type: 'toggleUnit'; id: string }
  | { type: 'selectAll' }
  /** Deletes the selection; a block inside a chain has its neighbours joined (chain-edits.ts). */
  | { type: 'delete' }
  /** Deletes the selection and leaves the gaps. */
  | { type: 'deleteOnly' }
  | { type: 'copy' }
  | { type: 'cut' }
  | { type: 'paste' }
  | { type: 'duplicate' }
  | { type: 'undo' }
  | { type: 'redo' };

export type CommandName = EditorCommand['type'];

const PASTE_OFFSET = { x: 40, y: 40 };

export function initialState(graph: GraphDocument = emptyGraph(), path: string | null = null): EditorState {
  const prepared = prepare(graph);
  return { graph: prepared, selectedNodes: new Set(), selectedEdges: new Set(), history: emptyHistory(), clipboard: null, saved: prepared, path, expandedUnits: new Set(), pendingLayout: needsLayout(graph), reveal: null, note: null };
}

export function isDirty(state: EditorState): boolean {
  return state.graph !== state.saved;
}

export function applyCommand(state: EditorState, command: EditorCommand, context: EditorContext = DEFAULT_CONTEXT): EditorState {
  // A note is about the command before: any later command clears it.
  return apply(state.note === null ? state : { ...state, note: null }, command, context);
}

function apply(state: EditorState, command: EditorCommand, context: EditorContext): EditorState {
  switch (command.type) {
    case 'new':
      return { ...initialState(), clipboard: state.clipboard };
    case 'open':
      return { ...initialState(command.graph, command.path), clipboard: state.clipboard };
    case 'restore': {
      const opened = initialState(command.graph, command.path);
      // Nothing on disk matches the restored design, so no document counts as its saved version.
      return { ...opened, saved: emptyGraph(), clipboard: state.clipboard };
    }
    case 'saved':
      return { ...state, saved: state.graph, path: command.path };
    case 'add':
      return addBlock(state, command.blockType, context, command.position);
    case 'insert': {
      const after = selectedCard(state);
      if (after) return insertAfter(state, command.blockType, after, context);
      const [edge] = state.selectedEdges;
      if (state.selectedEdges.size === 1 && state.selectedNodes.size === 0 && edge !== undefined) return insertIntoEdge(state, command.blockType, edge, context);
      return addBlock(state, command.blockType, context, command.position);
    }
    case 'insertIntoEdge':
      return insertIntoEdge(state, command.blockType, command.edge, context, command.position);
    case 'makeRoom': {
      const { view, scene } = sceneFor(state, state.graph, context);
      const grown = [...command.ids].filter((id) => scene.boxes.has(id));
      // What follows a grown card moves with it, keeping the chain's spacing.
      const moved = makeRoom(scene, new Set(grown), grown);
      if (moved.size === 0) return state;
      const key = state.history.openKey;
      return change(state, moveNodes(state.graph, blockMoves(state.graph, view, moved)), key === null ? { kind: 'none' } : { kind: 'merge', key });
    }
    case 'layout': {
      const moved = withDirection(moveNodes(state.graph, command.positions), command.direction);
      const graph = command.compact === undefined ? moved : withCompact(moved, command.compact);
      const laidOut = change(state, graph, command.key ? { kind: 'merge', key: command.key } : { kind: 'step' });
      return command.compact === undefined ? laidOut : { ...laidOut, expandedUnits: new Set() };
    }
    case 'group': {
      const ids = state.graph.nodes.filter((n) => state.selectedNodes.has(n.id)).map((n) => n.id);
      const { graph, id } = groupBlocks(state.graph, ids);
      if (!id) return state;
      const grouped = change(state, graph, { kind: 'step' });
      return { ...grouped, graph: foldedInPlace(state, graph, id, context) };
    }
    case 'ungroup':
      return change(state, ungroup(state.graph, command.group), { kind: 'step' });
    case 'setGroupCollapsed': {
      const graph = setGroupCollapsed(state.graph, command.group, command.collapsed);
      if (graph === state.graph) return state;
      const toggled = change(state, graph, { kind: 'step' });
      if (command.collapsed) return { ...toggled, graph: foldedInPlace(state, graph, command.group, context) };
      // Expanded in place: its blocks stay where they were, and whatever they would cover moves away.
      const members = graph.groups!.find((g) => g.id === command.group)!.nodes;
      const { view, scene } = sceneFor(toggled, graph, context);
      const cards = new Set(members.map((id) => view.cardOf.get(id) ?? id));
      return { ...toggled, graph: moveNodes(graph, blockMoves(graph, view, makeRoom(scene, cards))) };
    }
    case 'renameGroup':
      return change(state, renameGroup(state.graph, command.group, command.name), { kind: 'step' });
    case 'repeatGroup':
      return repeat(state, command.group, command.times, context);
    case 'setBudget':
      return change(state, withBudget(state.graph, command.key, command.value), command.mergeKey ? { kind: 'merge', key: command.mergeKey } : { kind: 'step' });
    case 'toggleUnit':
      return toggleUnit(state, command.id, context);
    case 'layoutOnOpen': {
      if (!state.pendingLayout) return state;
      const graph = withDirection(moveNodes(state.graph, command.positions), command.direction);
      return { ...state, graph, saved: state.saved === state.graph ? graph : state.saved, pendingLayout: false };
    }
    case 'connect':
      return change(state, connect(state.graph, command.source, command.target), { kind: 'step' });
    case 'move':
      return change(state, moveNodes(state.graph, command.positions), { kind: 'merge', key: `move:${command.dragId}` });
    case 'closeStep':
      return { ...state, history: closeStep(state.history) };
    case 'setParams':
      return change(state, setParams(state.graph, command.id, command.params), command.mergeKey ? { kind: 'merge', key: command.mergeKey } : { kind: 'step' });
    case 'setName': {
      const name = command.name.trim();
      if (modelNameProblem(name) || name === state.graph.name) return state;
      return change(state, { ...state.graph, name }, { kind: 'step' });
    }
    case 'rename': {
      const graph = renameNode(state.graph, command.id, command.name);
      if (graph === state.graph) return state;
      const follow = (ids: ReadonlySet<string>) => new Set([...ids].map((id) => (id === command.id ? command.name.trim() : id)));
      return { ...change(state, graph, { kind: 'step' }), selectedNodes: follow(state.selectedNodes) };
    }
    case 'select': {
      const nodes = new Set(command.nodes);
      const edges = new Set(command.edges ?? []);
      // The canvas echoes selections back; an unchanged selection must not wake anything up.
      if (sameSet(nodes, state.selectedNodes) && sameSet(edges, state.selectedEdges)) return state;
      return { ...state, selectedNodes: nodes, selectedEdges: edges };
    }
    case 'selectAll':
      return { ...state, selectedNodes: new Set(state.graph.nodes.map((n) => n.id)), selectedEdges: new Set(state.graph.edges.map((e) => e.id!)) };
    case 'delete': {
      if (state.selectedNodes.size === 0 && state.selectedEdges.size === 0) return state;
      const removal = removeAndReconnect(state.graph, state.selectedNodes, state.selectedEdges);
      return {
        ...change(state, removal.graph, { kind: 'step' }),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
        note: removal.refused.length > 0 ? `${capitalise(removal.refused.join('; '))}.` : null,
      };
    }
    case 'deleteOnly':
      if (state.selectedNodes.size === 0 && state.selectedEdges.size === 0) return state;
      return {
        ...change(state, removeElements(state.graph, state.selectedNodes, state.selectedEdges), { kind: 'step' }),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
      };
    case 'copy':
      return state.selectedNodes.size === 0 ? state : { ...state, clipboard: extractFragment(state.graph, state.selectedNodes) };
    case 'cut':
      return apply(apply(state, { type: 'copy' }, context), { type: 'delete' }, context);
    case 'paste':
      return state.clipboard ? insert(state, state.clipboard) : state;
    case 'duplicate':
      return state.selectedNodes.size === 0 ? state : insert(state, extractFragment(state.graph, state.selectedNodes));
    // Units opened in the compact view fold again: the positions undone may not leave them room.
    case 'undo': {
      const result = undo(state.history, state.graph);
      return result ? { ...state, graph: result.value, history: result.history, expandedUnits: new Set(), ...pruneSelection(state, result.value) } : state;
    }
    case 'redo': {
      const result = redo(state.history, state.graph);
      return result ? { ...state, graph: result.value, history: result.history, expandedUnits: new Set(), ...pruneSelection(state, result.value) } : state;
    }
  }
}

function change(state: EditorState, graph: GraphDocument, capture: Capture): EditorState {
  if (graph === state.graph) return state;
  return { ...state, graph, history: record(state.history, state.graph, capture), pendingLayout: false };
}

/** The way data flows on the canvas, as kept with the design. */
export function directionOf(graph: GraphDocument): Direction {
  return graph.layout?.direction ?? 'down';
}

function withCompact(graph: GraphDocument, compact: boolean): GraphDocument {
  if ((graph.layout?.compact ?? false) === compact) return graph;
  const { compact: _old, ...layout } = graph.layout ?? {};
  return { ...graph, layout: compact ? { ...layout, compact } : layout };
}

function withBudget(graph: GraphDocument, key: BudgetKey, value: number | undefined): GraphDocument {
  if (graph.budgets?.[key] === value) return graph;
  const { [key]: _old, ...others } = graph.budgets ?? {};
  const budgets = value === undefined ? others : { ...others, [key]: value };
  const { budgets: _budgets, ...rest } = graph;
  return Object.keys(budgets).length > 0 ? { ...rest, budgets } : rest;
}

/**
 * `graph` with group `groupId` just folded into one card: room made if the card is larger than
 * what it replaces, or the gap closed when it is smaller (what follows moves up).
 */
function foldedInPlace(state: EditorState, graph: GraphDocument, groupId: string, context: EditorContext): GraphDocument {
  const before = sceneFor(state, state.graph, context);
  const members = graph.groups!.find((g) => g.id === groupId)!.nodes;
  const took = bounds(members.map((id) => before.scene.boxes.get(before.view.cardOf.get(id) ?? id)).filter((box): box is Box => box !== undefined));
  const { view, scene } = sceneFor(state, graph, context);
  const grown = makeRoom(scene, new Set([groupId]), [groupId]);
  const moves = grown.size > 0 || !took ? grown : closeGap(scene, groupId, took);
  return moveNodes(graph, blockMoves(graph, view, moves));
}

/** Repeats a group in a chain, each copy one group-length further along, with room made after them. */
function repeat(state: EditorState, groupId: string, times: number, context: EditorContext): EditorState {
  const group = state.graph.groups?.find((g) => g.id === groupId);
  if (!group) return state;
  const { view, scene } = sceneFor(state, state.graph, context);
  const cards = [...new Set(group.nodes.map((id) => view.cardOf.get(id) ?? id))];
  const extent = Math.max(...cards.map((id) => scene.boxes.get(id)).filter((box) => box !== undefined).map((box) => box.y + box.height)) - Math.min(...cards.map((id) => scene.boxes.get(id)?.y ?? Infinity));
  const along = Number.isFinite(extent) ? extent + GAP_ALONG : 0;
  const step = directionOf(state.graph) === 'down' ? { x: 0, y: along } : { x: along, y: 0 };
  const { graph, groups } = repeatGroup(state.graph, groupId, times, step);
  if (groups.length === 0) return state;
  const repeated = change(state, graph, { kind: 'step' });
  const after = sceneFor(repeated, graph, context);
  const copies = new Set(graph.groups!.filter((g) => groups.includes(g.id)).flatMap((g) => g.nodes.map((id) => after.view.cardOf.get(id) ?? id)));
  const moves = makeRoom(after.scene, copies, cards);
  return { ...repeated, graph: moveNodes(graph, blockMoves(graph, after.view, moves)), reveal: { ids: graph.groups!.find((g) => g.id === groups.at(-1))!.nodes } };
}

/** Opens a folded conv unit (its blocks in a chain after the convolution, room made) or folds it. */
function toggleUnit(state: EditorState, id: string, context: EditorContext): EditorState {
  if (state.expandedUnits.has(id)) return { ...state, expandedUnits: new Set([...state.expandedUnits].filter((unit) => unit !== id)) };
  const unit = canvasView(state.graph, state.expandedUnits).cards.find((card) => card.id === id && card.kind === 'unit');
  if (!unit) return state;
  const opened = { ...state, expandedUnits: new Set([...state.expandedUnits, id]) };
  // Each folded block goes one layer after the one before it...
  let graph = state.graph;
  for (let i = 1; i < unit.members.length; i++) {
    const member = unit.members[i]!;
    const { scene } = sceneFor(opened, graph, context);
    const at = slotAfter(scene, unit.members[i - 1]!, context.sizeOf({ id: member, kind: 'block', members: [member] }));
    graph = moveNodes(graph, new Map([[member, at]]));
  }
  // ...and what they would cover moves away.
  const { view, scene } = sceneFor(opened, graph, context);
  const moves = makeRoom(scene, new Set(unit.members.slice(1)), [unit.members.at(-1)!]);
  return change(opened, moveNodes(graph, blockMoves(graph, view, moves)), { kind: 'step' });
}

function withDirection(graph: GraphDocument, direction: Direction): GraphDocument {
  if (directionOf(graph) === direction && (direction === 'down' || graph.layout?.direction === direction)) return graph;
  return { ...graph, layout: { ...graph.layout, direction } };
}

/**
 * A new block's undo step stays open under a key of its own, so the room made for it once the
 * canvas has measured it (makeRoom) joins the same step.
 */
const placing = (id: string): Capture => ({ kind: 'merge', key: `place:${id}` });

/** The canvas of `graph` as this state draws it, and its scene for placement. */
function sceneFor(state: EditorState, graph: GraphDocument, context: EditorContext): { view: CanvasView; scene: Scene } {
  const view = canvasView(graph, state.expandedUnits);
  return { view, scene: sceneOf(graph, view, context.sizeOf, directionOf(graph)) };
}

/**
 * The one card the selection stands for: a single block, or every block of one folded card (a
 * conv unit, a collapsed group). Its exit is the block whose output leaves the card.
 */
export function selectedCard(state: EditorState, view: CanvasView = canvasView(state.graph, state.expandedUnits)): { card: Card; exit: string } | null {
  const [first] = state.selectedNodes;
  if (first === undefined || state.selectedEdges.size > 0) return null;
  const card = view.cards.find((c) => c.id === view.cardOf.get(first));
  if (!card || card.members.length !== state.selectedNodes.size || !card.members.every((id) => state.selectedNodes.has(id))) return null;
  const leaving = card.members.filter((id) => state.graph.edges.some((e) => e.source === id && !card.members.includes(e.target)));
  const exit = leaving.length === 1 ? leaving[0]! : card.members.at(-1)!;
  return { card, exit };
}

/** Selects and reveals `id`, a block just added by `graph`, with room made for its card. */
function placed(state: EditorState, graph: GraphDocument, id: string, context: EditorContext, from: string[] = [id]): EditorState {
  const { view, scene } = sceneFor(state, graph, context);
  const cardOf = (block: string) => view.cardOf.get(block) ?? block;
  const moves = makeRoom(scene, new Set([cardOf(id)]), from.map(cardOf));
  const roomy = moveNodes(graph, blockMoves(graph, view, moves));
  return { ...change(state, roomy, placing(id)), selectedNodes: new Set([id]), selectedEdges: new Set(), reveal: { ids: [id] } };
}

/** A new block of `type` in `state.graph`, not yet placed, and the size its card will have. */
function newBlock(state: EditorState, type: BlockType, context: EditorContext): { graph: GraphDocument; id: string; size: Size } {
  const { graph, id } = addNode(state.graph, type, { x: 0, y: 0 });
  return { graph, id, size: context.sizeOf({ id, kind: 'block', members: [id] }) };
}

function addBlock(state: EditorState, type: BlockType, context: EditorContext, wanted?: Position): EditorState {
  const { graph: added, id, size } = newBlock(state, type, context);
  const { scene } = sceneFor(state, state.graph, context);
  const position = wanted ? freeSpot(scene, wanted, size) : belowEverything(scene, size);
  return placed(state, moveNodes(added, new Map([[id, position]])), id, context);
}

/** Inserts after `after`, a card: into its chain, below it, with the chain moved down to make room. */
function insertAfter(state: EditorState, type: BlockType, after: { card: Card; exit: string }, context: EditorContext): EditorState {
  const exit = state.graph.nodes.find((node) => node.id === after.exit);
  if (!exit) return addBlock(state, type, context);
  const { graph: added, id, size } = newBlock(state, type, context);
  const { scene } = sceneFor(state, state.graph, context);
  // After an Output the new block goes before it (wireAfter) and takes the Output's place.
  const beforeOutput = exit.type === 'output';
  const position = beforeOutput && exit.position ? exit.position : slotAfter(scene, after.card.id, size);
  const wired = wireAfter(moveNodes(added, new Map([[id, position]])), exit.id, id);
  return placed(state, wired, id, context, beforeOutput ? [id] : [exit.id]);
}

function insertIntoEdge(state: EditorState, type: BlockType, edgeId: string, context: EditorContext, wanted?: Position): EditorState {
  const edge = state.graph.edges.find((e) => e.id === edgeId);
  if (!edge || type === 'input' || type === 'output') return addBlock(state, type, context, wanted);
  const { graph: added, id, size } = newBlock(state, type, context);
  const { view, scene } = sceneFor(state, state.graph, context);
  const direction = directionOf(state.graph);
  // Never before its source along the flow: at the drop point, or one layer after the source.
  const slot = slotAfter(scene, view.cardOf.get(edge.source) ?? edge.source, size);
  const [along, across] = direction === 'down' ? (['y', 'x'] as const) : (['x', 'y'] as const);
  const position = wanted ? ({ [across]: wanted[across], [along]: Math.max(wanted[along], slot[along]) } as Position) : slot;
  const wired = wireIntoEdge(moveNodes(added, new Map([[id, position]])), edgeId, id);
  return placed(state, wired, id, context, [edge.source]);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function insert(state: EditorState, fragment: Fragment): EditorState {
  const { graph, ids } = insertFragment(state.graph, fragment, PASTE_OFFSET);
  return { ...change(state, graph, { kind: 'step' }), selectedNodes: new Set(ids), selectedEdges: new Set() };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/** Selection never outlives the blocks it points at. */
function pruneSelection(state: EditorState, graph: GraphDocument): Pick<EditorState, 'selectedNodes' | 'selectedEdges'> {
  const nodes = new Set(graph.nodes.map((n) => n.id));
  const edges = new Set(graph.edges.map((e) => e.id));
  return {
    selectedNodes: new Set([...state.selectedNodes].filter((id) => nodes.has(id))),
    selectedEdges: new Set([...state.selectedEdges].filter((id) => edges.has(id))),
  };
}

/**
 * Edge ids for the canvas, and provisional positions for graphs that come without them (the canvas
 * replaces them with a real layout once it has measured the blocks: layoutOnOpen).
 */
function prepare(graph: GraphDocument): GraphDocument {
  const withIds = withEdgeIds(graph);
  return needsLayout(withIds) ? moveNodes(withIds, provisionalLayout(withIds)) : withIds;
}
