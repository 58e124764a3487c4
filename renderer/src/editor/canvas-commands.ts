/**
 * Commands that add, fold or unfold cards on the canvas, with room made so that nothing lands on
 * anything else (placement.ts): inserting into a chain or a connection, adding at a point,
 * grouping and collapsing, repeating a group, opening a conv unit. Pure functions of the state
 * (and the card sizes the context gives), used by applyCommand.
 */
import type { BlockType, GraphDocument } from '../../../main/graph/types.ts';
import { wireAfter, wireIntoEdge } from './chain-edits.ts';
import { blockMoves, canvasView, type CanvasView, type Card } from './canvas-view.ts';
import type { EditorContext, EditorState } from './editor-state.ts';
import { bounds, boxOf, GAP_ALONG, type Box, type Position, type Size } from './geometry.ts';
import { addNode, directionOf, insertFragment, moveNodes, type Fragment } from './graph-edits.ts';
import { repeatGroup } from './group-edits.ts';
import type { Capture } from './history.ts';
import { belowEverything, closeGap, freeSpot, makeRoom, sceneOf, slotAfter, type Scene } from './placement.ts';
import { change } from './state-change.ts';

/**
 * A new block's undo step stays open under a key of its own, so the room made for it once the
 * canvas has measured it (makeRoom) joins the same step.
 */
const placing = (id: string): Capture => ({ kind: 'merge', key: `place:${id}` });

/** The canvas of `graph` as this state draws it, and its scene for placement. */
export function sceneFor(state: EditorState, graph: GraphDocument, context: EditorContext): { view: CanvasView; scene: Scene } {
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

export function addBlock(state: EditorState, type: BlockType, context: EditorContext, wanted?: Position): EditorState {
  const { graph: added, id, size } = newBlock(state, type, context);
  const { scene } = sceneFor(state, state.graph, context);
  const position = wanted ? freeSpot(scene, wanted, size) : belowEverything(scene, size);
  return placed(state, moveNodes(added, new Map([[id, position]])), id, context);
}

/** Inserts after `after`, a card: into its chain, below it, with the chain moved down to make room. */
export function insertAfter(state: EditorState, type: BlockType, after: { card: Card; exit: string }, context: EditorContext): EditorState {
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

export function insertIntoEdge(state: EditorState, type: BlockType, edgeId: string, context: EditorContext, wanted?: Position): EditorState {
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

/**
 * `graph` with group `groupId` just folded into one card: room made if the card is larger than
 * what it replaces, or the gap closed when it is smaller (what follows moves up).
 */
export function foldedInPlace(state: EditorState, graph: GraphDocument, groupId: string, context: EditorContext): GraphDocument {
  const before = sceneFor(state, state.graph, context);
  const members = graph.groups!.find((g) => g.id === groupId)!.nodes;
  const took = bounds(members.map((id) => before.scene.boxes.get(before.view.cardOf.get(id) ?? id)).filter((box): box is Box => box !== undefined));
  const { view, scene } = sceneFor(state, graph, context);
  const grown = makeRoom(scene, new Set([groupId]), [groupId]);
  const moves = grown.size > 0 || !took ? grown : closeGap(scene, groupId, took);
  return moveNodes(graph, blockMoves(graph, view, moves));
}

/** `graph` with group `groupId` just expanded: its blocks where they were, what they would cover moved away. */
export function expandedInPlace(state: EditorState, graph: GraphDocument, groupId: string, context: EditorContext): GraphDocument {
  const members = graph.groups!.find((g) => g.id === groupId)!.nodes;
  const { view, scene } = sceneFor(state, graph, context);
  const cards = new Set(members.map((id) => view.cardOf.get(id) ?? id));
  return moveNodes(graph, blockMoves(graph, view, makeRoom(scene, cards)));
}

/** Repeats a group in a chain, each copy one group-length further along, with room made after them. */
export function repeat(state: EditorState, groupId: string, times: number, context: EditorContext): EditorState {
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
export function toggleUnit(state: EditorState, id: string, context: EditorContext): EditorState {
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

/** Clears collisions after cards `ids` changed size: what follows them moves with them, keeping the chain's spacing. */
export function makeRoomForGrown(state: EditorState, ids: Iterable<string>, context: EditorContext): EditorState {
  const { view, scene } = sceneFor(state, state.graph, context);
  const grown = [...ids].filter((id) => scene.boxes.has(id));
  const moved = makeRoom(scene, new Set(grown), grown);
  if (moved.size === 0) return state;
  // Joins the open undo step (the block just added, the field being typed in), else none of its own.
  const key = state.history.openKey;
  return change(state, moveNodes(state.graph, blockMoves(state.graph, view, moved)), key === null ? { kind: 'none' } : { kind: 'merge', key });
}

/** Where a pasted or duplicated copy goes, relative to the original: a little down and right, then on along the flow past anything there. */
const PASTE_OFFSET = { x: 40, y: 40 };

/**
 * Pastes (or duplicates) `fragment` with fresh names, as one undo step, and selects the copy: a
 * little offset from the original, moved on along the flow to the nearest spot where its blocks
 * cover none (the original included).
 */
export function pasted(state: EditorState, fragment: Fragment, context: EditorContext): EditorState {
  const boxes = fragment.nodes.map((node) => boxOf(node.position ?? { x: 0, y: 0 }, context.sizeOf({ id: node.id, kind: 'block', members: [node.id] })));
  const around = bounds(boxes);
  let offset = PASTE_OFFSET;
  if (around) {
    const { scene } = sceneFor(state, state.graph, context);
    const wanted = { x: around.x + PASTE_OFFSET.x, y: around.y + PASTE_OFFSET.y };
    const spot = freeSpot(scene, wanted, { width: around.width, height: around.height });
    offset = { x: spot.x - around.x, y: spot.y - around.y };
  }
  const { graph, ids } = insertFragment(state.graph, fragment, offset);
  return { ...change(state, graph, { kind: 'step' }), selectedNodes: new Set(ids), selectedEdges: new Set(), reveal: { ids } };
}

