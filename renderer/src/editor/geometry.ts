/**
 * Boxes on the canvas, in flow coordinates (pixels at zoom 1), and the sizes blocks are drawn at.
 * Placement and routing work in a "flow frame" where data runs downwards; for a left-to-right
 * layout the frame is the canvas transposed (x and y swapped), so one algorithm serves both.
 */
import type { Card } from './canvas-view.ts';

export type Position = { x: number; y: number };
export type Size = { width: number; height: number };
export type Box = Position & Size;
export type Direction = 'down' | 'right';

/** Every block card is this wide; text that does not fit is cut with an ellipsis. */
export const BLOCK_WIDTH = 216;
/** The height of a card without a problem message (min-height in the stylesheet). */
export const BLOCK_HEIGHT = 96;
/** A problem message line on a card, and roughly how many characters fit on one. */
const PROBLEM_LINE_HEIGHT = 16;
const PROBLEM_CHARS_PER_LINE = 30;
/** Cards never show more than this many problem lines (the rest is in Problems). */
export const MAX_PROBLEM_LINES = 4;

/** Space kept free between two blocks: across the flow, and between layers along it. */
export const GAP_ACROSS = 40;
export const GAP_ALONG = 48;

/** A conv unit card lists its folded blocks on one extra line. */
export const UNIT_EXTRA_HEIGHT = 18;

/**
 * A card's size before the canvas has measured it: the fixed width, and the card's height plus
 * one line per ~30 characters of its first problem message (as the card wraps it).
 */
export function estimateCardSize(card: Pick<Card, 'kind'>, problem?: string): Size {
  const height = BLOCK_HEIGHT + (card.kind === 'unit' ? UNIT_EXTRA_HEIGHT : 0);
  if (!problem) return { width: BLOCK_WIDTH, height };
  const lines = Math.min(MAX_PROBLEM_LINES, Math.ceil(problem.length / PROBLEM_CHARS_PER_LINE));
  return { width: BLOCK_WIDTH, height: height + lines * PROBLEM_LINE_HEIGHT };
}

/** The size a card is drawn at: measured by the canvas, or estimated before it is. */
export type SizeOf = (card: Card) => Size;
export const estimatedSizes: SizeOf = (card) => estimateCardSize(card);

/** Whether two boxes overlap once each is grown by `margin` on every side (0: touching is fine). */
export function overlaps(a: Box, b: Box, margin = 0): boolean {
  return a.x < b.x + b.width + margin && b.x < a.x + a.width + margin && a.y < b.y + b.height + margin && b.y < a.y + a.height + margin;
}

/** Swaps x and y (and width and height): the canvas seen in the flow frame and back. */
export function transpose<T extends Partial<Box>>(box: T): T {
  const { x, y, width, height, ...rest } = box;
  return { ...rest, x: y, y: x, width: height, height: width } as T;
}

/** Into the flow frame (data runs downwards) for `direction`, and back (the same swap). */
export function toFlowFrame<T extends Partial<Box>>(box: T, direction: Direction): T {
  return direction === 'down' ? box : transpose(box);
}

/** The box of a placed block. */
export function boxOf(position: Position, size: Size): Box {
  return { x: position.x, y: position.y, width: size.width, height: size.height };
}

/** The smallest box holding all of `boxes`; null for none. */
export function bounds(boxes: Iterable<Box>): Box | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const box of boxes) {
    left = Math.min(left, box.x);
    top = Math.min(top, box.y);
    right = Math.max(right, box.x + box.width);
    bottom = Math.max(bottom, box.y + box.height);
  }
  return left === Infinity ? null : { x: left, y: top, width: right - left, height: bottom - top };
}
