/**
 * Connections drawn so that they never pass behind a card. After an auto-layout the canvas draws
 * the routes ELK computed (layout.ts); once cards have moved, each connection is routed here: a
 * straight line or one elbow when that path is clear, otherwise out of the source, along a free
 * lane beside whatever is in the way, and into the target. Orthogonal, in the flow frame
 * (geometry.ts) so one router serves top-down and left-to-right layouts.
 */
import { GAP_ALONG, toFlowFrame, type Box, type Direction, type Position } from './geometry.ts';

/** How far a connection leaves its port before turning: half the gap between layers. */
const STUB = GAP_ALONG / 2;
/** Space between a lane and the card it passes. */
const LANE_GAP = 20;

/**
 * A polyline from `from` (the source card's output port) to `to` (the target's input port) that
 * crosses none of `obstacles` (every card, the two ends included: a path never runs through its
 * own cards either).
 */
export function routeAround(from: Position, to: Position, obstacles: readonly Box[], direction: Direction): Position[] {
  const f = flip(from, direction);
  const t = flip(to, direction);
  const boxes = obstacles.map((box) => toFlowFrame(box, direction));
  const clear = (path: Position[]) => !crossesAny(path, boxes);
  const back = (path: Position[]) => path.map((p) => flip(p, direction));

  if (t.y > f.y) {
    if (Math.abs(f.x - t.x) < 0.5 && clear([f, t])) return back([f, t]);
    const turns = [f.y + STUB, t.y - STUB, (f.y + t.y) / 2].filter((y) => y >= f.y && y <= t.y);
    for (const y of turns) {
      const path = [f, { x: f.x, y }, { x: t.x, y }, t];
      if (clear(path)) return back(simplify(path));
    }
  }

  // Out, along a lane beside what is in the way, and in: the lanes nearest the straight line first.
  const out = f.y + STUB;
  const into = t.y - STUB;
  const [low, high] = [Math.min(out, into), Math.max(out, into)];
  const inBand = boxes.filter((box) => box.y < high && box.y + box.height > low);
  const middle = (f.x + t.x) / 2;
  const lanes = [...inBand.flatMap((box) => [box.x - LANE_GAP, box.x + box.width + LANE_GAP]), f.x, t.x]
    .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  const lanePath = (x: number) => simplify([f, { x: f.x, y: out }, { x, y: out }, { x, y: into }, { x: t.x, y: into }, t]);
  for (const x of lanes) {
    const path = lanePath(x);
    if (clear(path)) return back(path);
  }
  // Past everything in the band: the vertical run is clear by construction.
  const outermost = inBand.length === 0 ? middle : Math.max(...inBand.map((box) => box.x + box.width)) + LANE_GAP;
  return back(lanePath(outermost));
}

/** Whether any segment of `path` runs through the inside of any box (its border may be touched). */
export function crossesAny(path: readonly Position[], boxes: readonly Box[]): boolean {
  for (let i = 1; i < path.length; i++) {
    for (const box of boxes) if (segmentCrossesBox(path[i - 1]!, path[i]!, box)) return true;
  }
  return false;
}

/** Whether the segment a–b passes through the inside of `box` (Liang–Barsky clipping, 1 px inset). */
export function segmentCrossesBox(a: Position, b: Position, box: Box): boolean {
  const inset = 1;
  const [left, right, top, bottom] = [box.x + inset, box.x + box.width - inset, box.y + inset, box.y + box.height - inset];
  if (left >= right || top >= bottom) return false;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [
    [-dx, a.x - left],
    [dx, right - a.x],
    [-dy, a.y - top],
    [dy, bottom - a.y],
  ] as const) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const r = q / p;
    if (p < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 >= t1) return false;
  }
  return true;
}

/**
 * An SVG path through `points` with corners rounded by up to `radius` (less where a segment is
 * short), so orthogonal routes read as one smooth line.
 */
export function roundedPath(points: readonly Position[], radius = 8): string {
  const path = simplify(points);
  if (path.length === 0) return '';
  let d = `M ${fmt(path[0]!)}`;
  for (let i = 1; i < path.length - 1; i++) {
    const [prev, corner, next] = [path[i - 1]!, path[i]!, path[i + 1]!];
    const r = Math.min(radius, distance(prev, corner) / 2, distance(corner, next) / 2);
    d += ` L ${fmt(towards(corner, prev, r))} Q ${fmt(corner)} ${fmt(towards(corner, next, r))}`;
  }
  return `${d} L ${fmt(path.at(-1)!)}`;
}

/** The point where a label sits on a route: the middle of its longest segment. */
export function labelPoint(points: readonly Position[]): Position {
  let best = { x: points[0]?.x ?? 0, y: points[0]?.y ?? 0 };
  let longest = -1;
  for (let i = 1; i < points.length; i++) {
    const length = distance(points[i - 1]!, points[i]!);
    if (length > longest) {
      longest = length;
      best = { x: (points[i - 1]!.x + points[i]!.x) / 2, y: (points[i - 1]!.y + points[i]!.y) / 2 };
    }
  }
  return best;
}

/** Drops repeated points and points in the middle of a straight run. */
function simplify(points: readonly Position[]): Position[] {
  const result: Position[] = [];
  for (const point of points) {
    const last = result.at(-1);
    if (last && Math.abs(last.x - point.x) < 0.01 && Math.abs(last.y - point.y) < 0.01) continue;
    const before = result.at(-2);
    if (before && last && collinear(before, last, point)) result[result.length - 1] = point;
    else result.push(point);
  }
  return result;
}

function collinear(a: Position, b: Position, c: Position): boolean {
  return Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) < 0.01;
}

function distance(a: Position, b: Position): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function towards(from: Position, to: Position, length: number): Position {
  const d = distance(from, to);
  return d === 0 ? from : { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}

function fmt(p: Position): string {
  return `${Math.round(p.x * 10) / 10} ${Math.round(p.y * 10) / 10}`;
}

function flip(p: Position, direction: Direction): Position {
  return direction === 'down' ? { x: p.x, y: p.y } : { x: p.y, y: p.x };
}
