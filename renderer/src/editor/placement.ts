/**
 * Where new cards go, and making room for them: a block added to the canvas never lands on
 * another. Works on the cards the canvas draws (canvas-view.ts) in the flow frame (geometry.ts),
 * where data runs downwards: a block inserted into a chain goes one layer below its predecessor,
 * and what lies in its way moves further down.
 */
import type { GraphDocument } from '../../../main/graph/types.ts';
import { cardPositions, type CanvasView } from './canvas-view.ts';
import { BLOCK_WIDTH, GAP_ALONG, boxOf, overlaps, toFlowFrame, type Box, type Direction, type Position, type Size, type SizeOf } from './geometry.ts';

/** Cards closer than this count as colliding: a thin gap still reads as touching. */
const MIN_GAP = 16;

/** The cards' boxes in the flow frame, and the links between them. */
export interface Scene {
  boxes: Map<string, Box>;
  links: { source: string; target: string }[];
  direction: Direction;
}

/** The scene of `graph` as drawn (cards whose blocks have no position are left out). */
export function sceneOf(graph: GraphDocument, view: CanvasView, sizeOf: SizeOf, direction: Direction): Scene {
  const positions = cardPositions(graph, view);
  const boxes = new Map<string, Box>();
  for (const card of view.cards) {
    const position = positions.get(card.id);
    if (position) boxes.set(card.id, toFlowFrame(boxOf(position, sizeOf(card)), direction));
  }
  return { boxes, links: view.links, direction };
}

/** Whether `a` and `b` are closer than `along` along the flow and MIN_GAP across it. */
function collide(a: Box, b: Box, along = GAP_ALONG - 1): boolean {
  return a.x < b.x + b.width + MIN_GAP && b.x < a.x + a.width + MIN_GAP && a.y < b.y + b.height + along && b.y < a.y + a.height + along;
}

/** Below every card, centred under the lowest one: where a block added with nothing selected goes. */
export function belowEverything(scene: Scene, size: Size): Position {
  const boxes = [...scene.boxes.values()];
  if (boxes.length === 0) return { x: 0, y: 0 };
  const flowSize = toFlowFrame({ ...size }, scene.direction);
  const lowest = boxes.reduce((low, box) => (box.y + box.height > low.y + low.height ? box : low));
  return fromFlow({ x: lowest.x + (lowest.width - flowSize.width) / 2, y: lowest.y + lowest.height + GAP_ALONG }, scene.direction);
}

/** One layer after card `after`, centred on it: where an inserted block goes before room is made. */
export function slotAfter(scene: Scene, after: string, size: Size): Position {
  const box = scene.boxes.get(after) ?? { x: 0, y: 0, width: 0, height: 0 };
  const flowSize = toFlowFrame({ ...size }, scene.direction);
  return fromFlow({ x: box.x + (box.width - flowSize.width) / 2, y: box.y + box.height + GAP_ALONG }, scene.direction);
}

/**
 * The nearest free spot for a card of `size` wanted at `wanted` (its top-left corner): the spot
 * itself when free, otherwise further along the flow, past whatever is in the way.
 */
export function freeSpot(scene: Scene, wanted: Position, size: Size): Position {
  const boxes = [...scene.boxes.values()];
  const candidate = toFlowFrame(boxOf(wanted, size), scene.direction);
  // Each step moves past at least one box for good, so this ends after at most one step per card.
  for (let step = 0; step <= boxes.length; step++) {
    const blocking = boxes.filter((box) => collide(candidate, box));
    if (blocking.length === 0) break;
    candidate.y = Math.max(...blocking.map((box) => box.y + box.height)) + GAP_ALONG;
  }
  return fromFlow(candidate, scene.direction);
}

/**
 * New positions that clear every collision with the cards in `placed` (just added or expanded,
 * which stay where they are). When `placed` lands on occupied ground, the cards downstream of
 * `from` (what follows the insertion point) first move along the flow together, by the room the
 * new cards need, so a chain and its side branches keep their shape; then anything still
 * colliding moves down past what it collides with, top to bottom. Only moved cards are returned.
 */
export function makeRoom(scene: Scene, placed: ReadonlySet<string>, from: Iterable<string> = placed): Map<string, Position> {
  const boxes = new Map([...scene.boxes].map(([id, box]) => [id, { ...box }]));
  const placedBoxes = [...placed].map((id) => boxes.get(id)).filter((box): box is Box => box !== undefined);
  if (placedBoxes.length === 0) return new Map();
  const moved = new Set<string>();

  // Downstream cards the placed ones land on: all of what follows moves by as much as the first
  // of them needs to clear the placed cards (a new block's height and a gap, when it took that
  // block's place), so the chain keeps its spacing.
  const top = Math.min(...placedBoxes.map((box) => box.y));
  const downstream = [...downstreamOf(scene.links, from)].filter((id) => !placed.has(id) && boxes.has(id) && boxes.get(id)!.y >= top - GAP_ALONG / 2);
  const shift = Math.max(
    0,
    ...downstream.flatMap((id) => {
      const box = boxes.get(id)!;
      return placedBoxes.filter((p) => collide(p, box, box.y < p.y ? 0 : GAP_ALONG - 1)).map((p) => p.y + p.height + GAP_ALONG - box.y);
    }),
  );
  if (shift > 0) {
    for (const id of downstream) {
      boxes.get(id)!.y += shift;
      moved.add(id);
    }
  }

  // Placed cards first, then top to bottom; each card moves only down, past earlier ones that
  // were placed or moved (a tight arrangement nobody touched is left as it is). A placed card gets
  // the full gap below it; a moved one, MIN_GAP; a card above a placed one moves only if covered.
  const rest = [...boxes.keys()].filter((id) => !placed.has(id));
  rest.sort((a, b) => boxes.get(a)!.y - boxes.get(b)!.y || boxes.get(a)!.x - boxes.get(b)!.x);
  const order = [...[...placed].filter((id) => boxes.has(id)), ...rest];
  const pushedBy = (box: Box, id: string): number | null => {
    const other = boxes.get(id)!;
    if (placed.has(id)) {
      const along = box.y < other.y ? 0 : GAP_ALONG - 1;
      return collide(box, other, along) ? other.y + other.height + GAP_ALONG : null;
    }
    return moved.has(id) && collide(box, other, MIN_GAP - 1) ? other.y + other.height + MIN_GAP : null;
  };
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    if (placed.has(id)) continue;
    const box = boxes.get(id)!;
    // Moving past one earlier card can make it collide with another earlier one: look again.
    for (let again = true; again; ) {
      again = false;
      for (let j = 0; j < i; j++) {
        const to = pushedBy(box, order[j]!);
        if (to === null || to <= box.y) continue;
        box.y = to;
        moved.add(id);
        again = true;
      }
    }
  }

  const result = new Map<string, Position>();
  for (const id of moved) result.set(id, fromFlow(boxes.get(id)!, scene.direction));
  return result;
}

/**
 * After blocks were folded into the card `folded` (a group collapsed), what follows it moves up by
 * the room the blocks took beyond the card, so no gap is left; `before` is the box the blocks took,
 * in the flow frame. Nothing moves when that would bring a card onto one that stays.
 */
export function closeGap(scene: Scene, folded: string, before: Box): Map<string, Position> {
  const card = scene.boxes.get(folded);
  if (!card) return new Map();
  const freed = before.y + before.height - (card.y + card.height);
  if (freed <= 0) return new Map();
  const following = [...downstreamOf(scene.links, [folded])].filter((id) => scene.boxes.get(id) && scene.boxes.get(id)!.y >= before.y + before.height - 1);
  const moving = new Set(following);
  const moved = new Map(following.map((id) => [id, { ...scene.boxes.get(id)!, y: scene.boxes.get(id)!.y - freed }]));
  const staying = [...scene.boxes].filter(([id]) => !moving.has(id)).map(([, box]) => box);
  if ([...moved.values()].some((box) => staying.some((other) => collide(box, other, MIN_GAP - 1)))) return new Map();
  return new Map([...moved].map(([id, box]) => [id, fromFlow(box, scene.direction)]));
}

/** Every card reachable from `starts` along the links, the starts excluded. */
export function downstreamOf(links: readonly { source: string; target: string }[], starts: Iterable<string>): Set<string> {
  const outgoing = new Map<string, string[]>();
  for (const link of links) outgoing.set(link.source, [...(outgoing.get(link.source) ?? []), link.target]);
  const startSet = new Set(starts);
  const seen = new Set<string>();
  const stack = [...startSet];
  while (stack.length > 0) {
    for (const next of outgoing.get(stack.pop()!) ?? []) {
      if (seen.has(next) || startSet.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return seen;
}

/** Pairs of cards whose boxes overlap (touching is not overlapping). */
export function overlappingPairs(scene: Scene): [string, string][] {
  const entries = [...scene.boxes];
  const pairs: [string, string][] = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (overlaps(entries[i]![1], entries[j]![1])) pairs.push([entries[i]![0], entries[j]![0]]);
    }
  }
  return pairs;
}

function fromFlow(position: Position, direction: Direction): Position {
  const back = toFlowFrame({ x: position.x, y: position.y }, direction);
  return { x: Math.round(back.x), y: Math.round(back.y) };
}

/** Where a card of the standard width sits centred on a point (a drop, the quick-add cursor). */
export function centredOn(point: Position, size: Size = { width: BLOCK_WIDTH, height: 0 }): Position {
  return { x: Math.round(point.x - size.width / 2), y: Math.round(point.y - size.height / 2) };
}
