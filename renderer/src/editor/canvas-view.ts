/**
 * What the canvas draws: cards and the links between them. Usually one card per block; a collapsed
 * group is one card for all its blocks, and in the compact view a convolution and the BatchNorm,
 * activation and Dropout blocks right after it are one "conv unit" card. Placement, layout and the
 * canvas all work on cards, so a folded block never gets in anyone's way.
 */
import type { BlockType, GraphDocument, GraphNode } from '../../../main/graph/types.ts';
import type { Position } from './geometry.ts';

export type CardKind = 'block' | 'group' | 'unit';

export interface Card {
  /** A block's id; a collapsed group's id; a conv unit is named by its convolution. */
  id: string;
  kind: CardKind;
  /** The blocks it shows, in evaluation order along the chain for a unit; [id] for a block. */
  members: string[];
}

export interface Link {
  /** The id of the first connection it draws. */
  id: string;
  source: string;
  target: string;
  /** The connections between blocks it stands for (several when a folded card is at one end). */
  edges: string[];
}

export interface CanvasView {
  cards: Card[];
  links: Link[];
  /** The card each block is drawn on. */
  cardOf: Map<string, string>;
}

const UNIT_HEADS: ReadonlySet<BlockType> = new Set(['conv2d', 'depthwiseConv2d']);
const UNIT_FOLLOWERS: ReadonlySet<BlockType> = new Set(['batchNorm', 'activation', 'dropout']);

/**
 * The cards and links for `graph`. Units fold only in the compact view (`layout.compact`), never
 * across a group's border, and not those in `expandedUnits` (opened one by one on the canvas).
 */
export function canvasView(graph: GraphDocument, expandedUnits: ReadonlySet<string> = new Set()): CanvasView {
  const cardOf = new Map<string, string>();
  const cards: Card[] = [];
  const groupOf = new Map<string, string>();
  for (const group of graph.groups ?? []) for (const id of group.nodes) groupOf.set(id, group.id);

  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const group of graph.groups ?? []) {
    if (!group.collapsed) continue;
    const members = group.nodes.filter((id) => byId.has(id));
    if (members.length === 0) continue;
    cards.push({ id: group.id, kind: 'group', members });
    for (const id of members) cardOf.set(id, group.id);
  }

  const units = graph.layout?.compact ? convUnits(graph, groupOf) : new Map<string, string[]>();
  for (const node of graph.nodes) {
    if (cardOf.has(node.id)) continue;
    const unit = units.get(node.id);
    if (unit && !expandedUnits.has(node.id) && unit.every((id) => !cardOf.has(id))) {
      cards.push({ id: node.id, kind: 'unit', members: unit });
      for (const id of unit) cardOf.set(id, node.id);
    }
  }
  for (const node of graph.nodes) {
    if (cardOf.has(node.id)) continue;
    cards.push({ id: node.id, kind: 'block', members: [node.id] });
    cardOf.set(node.id, node.id);
  }

  const links: Link[] = [];
  const byPair = new Map<string, Link>();
  for (const edge of graph.edges) {
    const source = cardOf.get(edge.source);
    const target = cardOf.get(edge.target);
    if (source === undefined || target === undefined || source === target) continue;
    const key = `${source}\u0000${target}`;
    const link = byPair.get(key);
    if (link) link.edges.push(edge.id!);
    else {
      const fresh = { id: edge.id!, source, target, edges: [edge.id!] };
      byPair.set(key, fresh);
      links.push(fresh);
    }
  }
  return { cards, links, cardOf };
}

/**
 * Conv units by their convolution: the conv, then each following BatchNorm, activation or
 * Dropout fed only by the block before it, while that block feeds only it, within one group.
 */
export function convUnits(graph: GraphDocument, groupOf: ReadonlyMap<string, string> = new Map()): Map<string, string[]> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, string[]>();
  for (const edge of graph.edges) {
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target]);
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  }
  const units = new Map<string, string[]>();
  for (const head of graph.nodes) {
    if (!UNIT_HEADS.has(head.type)) continue;
    const members = [head.id];
    for (let tail = head.id; ; ) {
      const next = outgoing.get(tail);
      if (next?.length !== 1) break;
      const follower: GraphNode | undefined = byId.get(next[0]!);
      if (!follower || !UNIT_FOLLOWERS.has(follower.type) || incoming.get(follower.id)?.length !== 1) break;
      if (groupOf.get(follower.id) !== groupOf.get(head.id) || members.includes(follower.id)) break;
      members.push(follower.id);
      tail = follower.id;
    }
    if (members.length > 1) units.set(head.id, members);
  }
  return units;
}

/**
 * Where each card is: a block or unit where its (first) block is, a collapsed group at the
 * top-left corner of its blocks. Cards whose blocks have no position are left out.
 */
export function cardPositions(graph: GraphDocument, view: CanvasView): Map<string, Position> {
  const positions = new Map(graph.nodes.filter((node) => node.position).map((node) => [node.id, node.position!]));
  const result = new Map<string, Position>();
  for (const card of view.cards) {
    const placed = card.members.map((id) => positions.get(id)).filter((p): p is Position => p !== undefined);
    if (placed.length === 0) continue;
    result.set(card.id, card.kind === 'group' ? { x: Math.min(...placed.map((p) => p.x)), y: Math.min(...placed.map((p) => p.y)) } : positions.get(card.members[0]!) ?? placed[0]!);
  }
  return result;
}

/**
 * Block positions for cards moved to `moves`: every block of a card moves with it, by the same
 * offset, so a collapsed group keeps its inner arrangement for when it is expanded again.
 */
export function blockMoves(graph: GraphDocument, view: CanvasView, moves: ReadonlyMap<string, Position>): Map<string, Position> {
  const current = cardPositions(graph, view);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const result = new Map<string, Position>();
  for (const card of view.cards) {
    const to = moves.get(card.id);
    if (!to) continue;
    const from = current.get(card.id) ?? to;
    for (const id of card.members) {
      const at = byId.get(id)?.position ?? from;
      result.set(id, { x: Math.round(at.x + to.x - from.x), y: Math.round(at.y + to.y - from.y) });
    }
  }
  return result;
}
