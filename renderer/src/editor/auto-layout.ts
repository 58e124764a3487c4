/**
 * Auto-layout of the design as the canvas draws it: the cards of the view the layout asks for
 * (compact or not), each at its measured size, laid out by elkjs (layout.ts); every block of a
 * folded card moves with its card. Asynchronous and free of side effects: the caller dispatches
 * the positions as one undoable `layout` command.
 */
import type { GraphDocument } from '../../../main/graph/types.ts';
import { blockMoves, canvasView, type CanvasView } from './canvas-view.ts';
import { boxOf, type Box, type Direction, type Position, type SizeOf } from './geometry.ts';
import { layeredLayout } from './layout.ts';

export interface AutoLayoutOptions {
  direction: Direction;
  compact: boolean;
}

export interface AutoLayout {
  /** New positions of every block. */
  positions: Map<string, Position>;
  /** The routed links (by link id) and the card boxes they were routed around. */
  routes: LaidOutRoutes;
}

/** Routes from a layout, valid while the cards stay in the boxes they were computed for. */
export interface LaidOutRoutes {
  boxes: Map<string, Box>;
  routes: Map<string, Position[]>;
}

/** The view the layout is for: `options.compact` folds conv units; units opened by hand stay open. */
export function viewFor(graph: GraphDocument, expandedUnits: ReadonlySet<string>, options: AutoLayoutOptions): { graph: GraphDocument; view: CanvasView } {
  const target: GraphDocument = { ...graph, layout: { ...graph.layout, compact: options.compact } };
  return { graph: target, view: canvasView(target, options.compact === (graph.layout?.compact ?? false) ? expandedUnits : new Set()) };
}

export async function autoLayout(graph: GraphDocument, expandedUnits: ReadonlySet<string>, sizeOf: SizeOf, options: AutoLayoutOptions): Promise<AutoLayout> {
  const { graph: target, view } = viewFor(graph, expandedUnits, options);
  const sizes = new Map(view.cards.map((card) => [card.id, sizeOf(card)]));
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const roles = new Map<string, 'first' | 'last'>();
  for (const card of view.cards) {
    const types = card.members.map((id) => byId.get(id)?.type);
    if (types.includes('input')) roles.set(card.id, 'first');
    else if (types.includes('output')) roles.set(card.id, 'last');
  }
  const layout = await layeredLayout({ view, sizes, roles, direction: options.direction });
  const boxes = new Map([...layout.positions].map(([id, position]) => [id, boxOf(position, sizes.get(id)!)]));
  return { positions: blockMoves(target, view, layout.positions), routes: { boxes, routes: layout.routes } };
}
