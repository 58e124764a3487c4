/**
 * The editor's state and every command that changes it, as one pure function. Menus, keyboard
 * shortcuts, the canvas and the tests all go through `applyCommand`, and each command decides
 * how undo records it (see history.ts).
 */
import type { TrainingSettings } from '../../../main/graph/training-settings.ts';
import type { BlockParams, BlockType, GraphDocument } from '../../../main/graph/types.ts';
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
  setTrainable,
  withEdgeIds,
  type Fragment,
  type Position,
} from './graph-edits.ts';
import { closeStep, emptyHistory, record, redo, undo, type Capture, type History } from './history.ts';
import { autoLayout, needsLayout } from './layout.ts';

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
}

export type EditorCommand =
  | { type: 'new' }
  | { type: 'open'; graph: GraphDocument; path: string | null }
  /**
   * Opens a design that differs from what is on disk (a recovered draft, a backup opened in place
   * of its damaged file): the editor starts dirty, and saving writes `path`.
   */
  | { type: 'restore'; graph: GraphDocument; path: string | null }
  | { type: 'saved'; path: string }
  | { type: 'add'; blockType: BlockType; position: Position }
  | { type: 'connect'; source: string; target: string }
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
  | { type: 'selectAll' }
  | { type: 'delete' }
  | { type: 'copy' }
  | { type: 'cut' }
  | { type: 'paste' }
  | { type: 'duplicate' }
  | { type: 'autoLayout' }
  | { type: 'undo' }
  | { type: 'redo' };

export type CommandName = EditorCommand['type'];

const PASTE_OFFSET = { x: 40, y: 40 };

export function initialState(graph: GraphDocument = emptyGraph(), path: string | null = null): EditorState {
  const prepared = prepare(graph);
  return { graph: prepared, selectedNodes: new Set(), selectedEdges: new Set(), history: emptyHistory(), clipboard: null, saved: prepared, path };
}

export function isDirty(state: EditorState): boolean {
  return state.graph !== state.saved;
}

export function applyCommand(state: EditorState, command: EditorCommand): EditorState {
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
    case 'add': {
      const { graph, id } = addNode(state.graph, command.blockType, command.position);
      return { ...change(state, graph, { kind: 'step' }), selectedNodes: new Set([id]), selectedEdges: new Set() };
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
    case 'delete':
      if (state.selectedNodes.size === 0 && state.selectedEdges.size === 0) return state;
      return {
        ...change(state, removeElements(state.graph, state.selectedNodes, state.selectedEdges), { kind: 'step' }),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
      };
    case 'copy':
      return state.selectedNodes.size === 0 ? state : { ...state, clipboard: extractFragment(state.graph, state.selectedNodes) };
    case 'cut':
      return applyCommand(applyCommand(state, { type: 'copy' }), { type: 'delete' });
    case 'paste':
      return state.clipboard ? insert(state, state.clipboard) : state;
    case 'duplicate':
      return state.selectedNodes.size === 0 ? state : insert(state, extractFragment(state.graph, state.selectedNodes));
    case 'autoLayout':
      return change(state, moveNodes(state.graph, autoLayout(state.graph)), { kind: 'step' });
    case 'undo': {
      const result = undo(state.history, state.graph);
      return result ? { ...state, graph: result.value, history: result.history, ...pruneSelection(state, result.value) } : state;
    }
    case 'redo': {
      const result = redo(state.history, state.graph);
      return result ? { ...state, graph: result.value, history: result.history, ...pruneSelection(state, result.value) } : state;
    }
  }
}

function change(state: EditorState, graph: GraphDocument, capture: Capture): EditorState {
  if (graph === state.graph) return state;
  return { ...state, graph, history: record(state.history, state.graph, capture) };
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

/** Edge ids for the canvas, and a layout for graphs that come without positions. */
function prepare(graph: GraphDocument): GraphDocument {
  const withIds = withEdgeIds(graph);
  return needsLayout(withIds) ? moveNodes(withIds, autoLayout(withIds)) : withIds;
}
