/**
 * Which path each connection takes on the canvas: the route of the last auto-layout while both
 * its cards are still where the layout put them and nothing has moved onto it; otherwise one
 * from the router (edge-routing.ts). Either way it never runs behind a card.
 */
import type { LaidOutRoutes } from '../../editor/auto-layout.ts';
import type { Link } from '../../editor/canvas-view.ts';
import { crossesAny, routeAround } from '../../editor/edge-routing.ts';
import type { Box, Direction, Position } from '../../editor/geometry.ts';

/** Past this many cards, connections are drawn straight: routing each around all would cost too much per frame. */
export const ROUTED_CARDS_LIMIT = 400;

/** Where a connection leaves a card and enters one: the middle of the side facing the flow. */
export function ports(box: Box, direction: Direction): { out: Position; in: Position } {
  return direction === 'down'
    ? { out: { x: box.x + box.width / 2, y: box.y + box.height }, in: { x: box.x + box.width / 2, y: box.y } }
    : { out: { x: box.x + box.width, y: box.y + box.height / 2 }, in: { x: box.x, y: box.y + box.height / 2 } };
}

const same = (a: Box | undefined, b: Box | undefined) =>
  a !== undefined && b !== undefined && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.width - b.width) < 1 && Math.abs(a.height - b.height) < 1;

/** A polyline per link, by link id, for cards at `boxes`. */
export function routeLinks(links: readonly Link[], boxes: ReadonlyMap<string, Box>, laidOut: LaidOutRoutes | null, direction: Direction): Map<string, Position[]> {
  const all = [...boxes.values()];
  const unchanged = laidOut !== null && boxes.size === laidOut.boxes.size && [...boxes].every(([id, box]) => same(box, laidOut.boxes.get(id)));
  const routes = new Map<string, Position[]>();
  for (const link of links) {
    const from = boxes.get(link.source);
    const to = boxes.get(link.target);
    if (!from || !to) continue;
    const start = ports(from, direction).out;
    const end = ports(to, direction).in;
    const planned = laidOut?.routes.get(link.id);
    if (planned && same(from, laidOut!.boxes.get(link.source)) && same(to, laidOut!.boxes.get(link.target)) && (unchanged || !crossesAny(planned, all))) {
      // The layout's own ends are the same ports; take the exact ones so the line meets the handle.
      routes.set(link.id, [start, ...planned.slice(1, -1), end]);
    } else if (boxes.size > ROUTED_CARDS_LIMIT) {
      routes.set(link.id, [start, end]);
    } else {
      routes.set(link.id, routeAround(start, end, all, direction));
    }
  }
  return routes;
}
