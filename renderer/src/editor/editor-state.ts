/**
 * The editor's state and every command that changes it, as one pure function. Menus, keyboard
 * shortcuts, the canvas and the tests all go through `applyCommand`, and each command decides
 * how undo records it (see history.ts).
 */
import type { TrainingSettings } from '../../../main/graph/training-settings.ts';
import type { BudgetKey } from '../../../main/analysis/budgets.ts';
import type { BlockParams, BlockType, GraphDocument } from '../../../main/graph/types.ts';
import { addBlock, expandedInPlace, foldedInPlace, insertAfter, insertIntoEdge, makeRoomForGrown, pasted, repeat, selectedCard, toggleUnit } from './canvas-commands.ts';
import { removeAndReconnect } from './chain-edits.ts';
import { estimatedSizes, type Direction, type Position, type SizeOf } from './geometry.ts';
import {
  connect,
  emptyGraph,
  extractFragment,
  modelNameProblem,
  moveNodes,
  removeElements,
  renameNode,
  setParams,
  setTrainable,
  withBudget,
  withCompact,
  withDirection,
  withEdgeIds,
  type Fragment,
} from './graph-edits.ts';
import { groupBlocks, renameGroup, setGroupCollapsed, ungroup } from './group-edits.ts';
import { closeStep, emptyHistory, redo, undo, type History } from './history.ts';
import { needsLayout, provisionalLayout } from './provisional-layout.ts';
import { change } from './state-change.ts';

export { directionOf } from './graph-edits.ts';
export { selectedCard } from './canvas-commands.ts';

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
  /**
   * Replaces the design's training section (the training panel edits it, so a saved design keeps
   * its recipe); with `mergeKey`, keystrokes in one field make one undo step.
   */
  | { type: 'setTraining'; training: TrainingSettings; mergeKey?: string }
  /** Freezes a block's weights (trainable false) or lets training update them again. */
  | { type: 'setTrainable'; id: string; trainable: boolean }
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
    case 'makeRoom':
      return makeRoomForGrown(state, command.ids, context);
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
      return { ...toggled, graph: expandedInPlace(toggled, graph, command.group, context) };
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
    case 'setTraining': {
      if (JSON.stringify(command.training) === JSON.stringify(state.graph.training)) return state;
      return change(state, { ...state.graph, training: command.training }, command.mergeKey ? { kind: 'merge', key: command.mergeKey } : { kind: 'step' });
    }
    case 'setTrainable':
      return change(state, setTrainable(state.graph, command.id, command.trainable), { kind: 'step' });
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
      return state.clipboard ? pasted(state, state.clipboard, context) : state;
    case 'duplicate':
      return state.selectedNodes.size === 0 ? state : pasted(state, extractFragment(state.graph, state.selectedNodes), context);
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
