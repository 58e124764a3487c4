/**
 * Zoom that keeps block text legible. Cards carry text of at least 12 px and switch, below
 * FULL_DETAIL_ZOOM, to a simple card in large type (at least 22 px: type, name, parameters), so
 * text stays at 11 px or more on screen down to FIT_MIN_ZOOM. "Fit" never zooms out further: a
 * design too large for the window is shown from its start, and the canvas scrolls for the rest.
 */
import type { Box, Direction } from '../../editor/geometry.ts';

/** The smallest text on a full card, in CSS pixels at zoom 1. */
export const FULL_CARD_MIN_TEXT = 12;
/** The smallest text on the simple card shown when zoomed out. */
export const SIMPLE_CARD_MIN_TEXT = 22;
/** Smallest text the studio puts on screen. */
export const LEGIBLE_TEXT = 11;
/** Below this zoom full cards would have text under LEGIBLE_TEXT, so the simple card shows. */
export const FULL_DETAIL_ZOOM = LEGIBLE_TEXT / FULL_CARD_MIN_TEXT;
/** Fit never goes below this: the simple card's text is LEGIBLE_TEXT there. */
export const FIT_MIN_ZOOM = LEGIBLE_TEXT / SIMPLE_CARD_MIN_TEXT;
/** Fit never magnifies: one block alone is shown at its natural size, not filling the window. */
export const FIT_MAX_ZOOM = 1;
/** Space kept around the design when fitting, in screen pixels. */
export const FIT_PADDING = 32;

/** Screen space the canvas' own overlays take, kept clear when fitting (the tool bar on top, the minimap). */
export interface Overlays {
  top: number;
  right: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * The viewport that shows `bounds` (flow coordinates) in a window of `width`×`height` screen
 * pixels: all of it, centred, when it fits at FIT_MIN_ZOOM or more; otherwise at FIT_MIN_ZOOM,
 * from its start (the top for a top-down design, the left for a left-to-right one), centred
 * across the flow where it fits.
 */
export function legibleViewport(bounds: Box, width: number, height: number, direction: Direction, overlays: Overlays = { top: 0, right: 0 }): Viewport {
  const room = { width: Math.max(1, width - overlays.right - 2 * FIT_PADDING), height: Math.max(1, height - overlays.top - 2 * FIT_PADDING) };
  const fit = Math.min(room.width / Math.max(1, bounds.width), room.height / Math.max(1, bounds.height));
  const zoom = Math.min(FIT_MAX_ZOOM, Math.max(FIT_MIN_ZOOM, fit));
  // Centred in the room left by the overlays, or from the start past the tool bar.
  const centre = (size: number, start: number, extent: number, before: number, after: number) => before + (size - before - after - extent * zoom) / 2 - start * zoom;
  const fromStart = (start: number, before: number) => before + FIT_PADDING - start * zoom;
  const fitsAcross = (direction === 'down' ? bounds.width : bounds.height) * zoom <= (direction === 'down' ? room.width : room.height);
  const fitsAlong = (direction === 'down' ? bounds.height : bounds.width) * zoom <= (direction === 'down' ? room.height : room.width);
  const x = (fits: boolean) => (fits ? centre(width, bounds.x, bounds.width, 0, overlays.right) : fromStart(bounds.x, 0));
  const y = (fits: boolean) => (fits ? centre(height, bounds.y, bounds.height, overlays.top, 0) : fromStart(bounds.y, overlays.top));
  return direction === 'down' ? { zoom, x: x(fitsAcross), y: y(fitsAlong) } : { zoom, x: x(fitsAlong), y: y(fitsAcross) };
}

/** Whether `box` is wholly inside the window for viewport `v`, `margin` screen pixels in. */
export function inView(box: Box, v: Viewport, width: number, height: number, margin = 16): boolean {
  const left = box.x * v.zoom + v.x;
  const top = box.y * v.zoom + v.y;
  return left >= margin && top >= margin && left + box.width * v.zoom <= width - margin && top + box.height * v.zoom <= height - margin;
}
