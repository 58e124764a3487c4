/** Which path a connection is drawn along: the layout's route while its cards stay put, else one routed around the cards. */
import { describe, expect, it } from 'vitest';
import { ports, routeLinks } from '../../renderer/src/components/canvas/routes.ts';
import type { LaidOutRoutes } from '../../renderer/src/editor/auto-layout.ts';
import { crossesAny } from '../../renderer/src/editor/edge-routing.ts';
import type { Box } from '../../renderer/src/editor/geometry.ts';

const box = (x: number, y: number): Box => ({ x, y, width: 216, height: 96 });
const links = [{ id: 'a->c', source: 'a', target: 'c', edges: ['a->c'] }];

describe('routes on the canvas', () => {
  const boxes = new Map([
    ['a', box(0, 0)],
    ['b', box(0, 144)],
    ['c', box(0, 288)],
  ]);
  const detour = [ports(box(0, 0), 'down').out, { x: 108, y: 120 }, { x: 260, y: 120 }, { x: 260, y: 264 }, { x: 108, y: 264 }, ports(box(0, 288), 'down').in];
  const laidOut: LaidOutRoutes = { boxes: new Map(boxes), routes: new Map([['a->c', detour]]) };

  it("draws the layout's route while the cards are where the layout put them", () => {
    expect(routeLinks(links, boxes, laidOut, 'down').get('a->c')).toEqual(detour);
  });

  it('routes anew around the cards once an end has moved', () => {
    const moved = new Map(boxes).set('c', box(40, 300));
    const route = routeLinks(links, moved, laidOut, 'down').get('a->c')!;
    expect(route).not.toEqual(detour);
    expect(crossesAny(route, [...moved.values()])).toBe(false);
    expect(route[0]).toEqual(ports(box(0, 0), 'down').out);
    expect(route.at(-1)).toEqual(ports(box(40, 300), 'down').in);
  });

  it('routes anew when a card has moved onto the route', () => {
    const blocked = new Map(boxes).set('b', box(200, 144));
    const route = routeLinks(links, blocked, laidOut, 'down').get('a->c')!;
    expect(crossesAny(route, [...blocked.values()])).toBe(false);
  });

  it('never draws a straight line through the card in between without a layout', () => {
    const route = routeLinks(links, boxes, null, 'down').get('a->c')!;
    expect(crossesAny(route, [...boxes.values()])).toBe(false);
  });
});
