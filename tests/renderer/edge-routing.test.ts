/** Connections routed around cards once blocks have moved: never behind a card, orthogonal, both directions. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossesAny, roundedPath, routeAround, segmentCrossesBox } from '../../renderer/src/editor/edge-routing.ts';
import type { Box } from '../../renderer/src/editor/geometry.ts';

const card = (x: number, y: number): Box => ({ x, y, width: 216, height: 96 });
const portOut = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height });
const portIn = (box: Box) => ({ x: box.x + box.width / 2, y: box.y });
const orthogonal = (path: { x: number; y: number }[]) => path.every((p, i) => i === 0 || p.x === path[i - 1]!.x || p.y === path[i - 1]!.y);

describe('routing a connection', () => {
  it('draws a straight line down a chain', () => {
    const a = card(0, 0);
    const b = card(0, 144);
    expect(routeAround(portOut(a), portIn(b), [a, b], 'down')).toEqual([portOut(a), portIn(b)]);
  });

  it('takes a skip connection around the blocks it skips, not behind them', () => {
    const chain = [0, 144, 288, 432].map((y) => card(0, y));
    const skipFrom = chain[0]!;
    const skipTo = chain[3]!;
    const path = routeAround(portOut(skipFrom), portIn(skipTo), chain, 'down');
    expect(crossesAny(path, chain)).toBe(false);
    expect(orthogonal(path)).toBe(true);
    // The straight line would have passed behind the two blocks in between.
    expect(crossesAny([portOut(skipFrom), portIn(skipTo)], chain)).toBe(true);
  });

  it('routes a connection back up (a cycle being drawn) around its own blocks', () => {
    const a = card(0, 300);
    const b = card(0, 0);
    const path = routeAround(portOut(a), portIn(b), [a, b], 'down');
    expect(crossesAny(path, [a, b])).toBe(false);
  });

  it('works left to right too', () => {
    const chain = [0, 260, 520].map((x) => ({ x, y: 0, width: 216, height: 96 }));
    const from = { x: 216, y: 48 };
    const to = { x: 520, y: 48 };
    const path = routeAround(from, to, chain, 'right');
    expect(crossesAny(path, chain)).toBe(false);
  });

  it('never crosses a card among many scattered ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 })), { minLength: 2, maxLength: 14 }), (cells) => {
        const unique = [...new Set(cells.map(([c, r]) => `${c},${r}`))].map((key) => key.split(',').map(Number) as [number, number]);
        fc.pre(unique.length >= 2);
        const boxes = unique.map(([c, r]) => card(c * 260, r * 144));
        const [from, to] = [boxes[0]!, boxes[1]!];
        const path = routeAround(portOut(from), portIn(to), boxes, 'down');
        return !crossesAny(path, boxes) && orthogonal(path);
      }),
      { numRuns: 300 },
    );
  });
});

describe('geometry of routes', () => {
  it('tells a segment through a box from one along its border', () => {
    const box = card(0, 0);
    expect(segmentCrossesBox({ x: -10, y: 50 }, { x: 300, y: 50 }, box)).toBe(true);
    expect(segmentCrossesBox({ x: 0, y: -10 }, { x: 0, y: 200 }, box)).toBe(false);
    expect(segmentCrossesBox({ x: 108, y: 96 }, { x: 108, y: 200 }, box)).toBe(false);
  });

  it('rounds corners without leaving the route', () => {
    expect(roundedPath([{ x: 0, y: 0 }, { x: 0, y: 50 }, { x: 40, y: 50 }, { x: 40, y: 100 }], 8)).toBe('M 0 0 L 0 42 Q 0 50 8 50 L 32 50 Q 40 50 40 58 L 40 100');
  });
});
