/** Fit keeps text legible: never below the zoom where the cards' text would drop under 11 px. */
import { describe, expect, it } from 'vitest';
import { FIT_MAX_ZOOM, FIT_MIN_ZOOM, FIT_PADDING, FULL_CARD_MIN_TEXT, FULL_DETAIL_ZOOM, LEGIBLE_TEXT, SIMPLE_CARD_MIN_TEXT, legibleViewport } from '../../renderer/src/components/canvas/legible-fit.ts';

describe('a legible fit', () => {
  it('keeps every card text at 11 px or more on screen at the zooms it switches at', () => {
    expect(FULL_CARD_MIN_TEXT * FULL_DETAIL_ZOOM).toBeGreaterThanOrEqual(LEGIBLE_TEXT);
    expect(SIMPLE_CARD_MIN_TEXT * FIT_MIN_ZOOM).toBeGreaterThanOrEqual(LEGIBLE_TEXT);
  });

  it('centres a design that fits, never magnified', () => {
    const v = legibleViewport({ x: 0, y: 0, width: 216, height: 96 }, 1000, 600, 'down');
    expect(v.zoom).toBe(FIT_MAX_ZOOM);
    expect(v.x).toBe((1000 - 216) / 2);
    expect(v.y).toBe((600 - 96) / 2);
  });

  it('shows a tall design from its top at the smallest legible zoom, centred across', () => {
    const v = legibleViewport({ x: 100, y: 0, width: 216, height: 4300 }, 1000, 600, 'down', { top: 36, right: 0 });
    expect(v.zoom).toBe(FIT_MIN_ZOOM);
    expect(v.y).toBe(36 + FIT_PADDING);
    expect(v.x).toBe((1000 - 216 * FIT_MIN_ZOOM) / 2 - 100 * FIT_MIN_ZOOM);
  });

  it('shows a long left-to-right design from its left end', () => {
    const v = legibleViewport({ x: 0, y: 0, width: 8000, height: 300 }, 1000, 600, 'right');
    expect(v.zoom).toBe(FIT_MIN_ZOOM);
    expect(v.x).toBe(FIT_PADDING);
  });

  it('zooms between the bounds when that shows everything', () => {
    const v = legibleViewport({ x: 0, y: 0, width: 216, height: 1200 }, 1000, 900, 'down');
    expect(v.zoom).toBeCloseTo((900 - 2 * FIT_PADDING) / 1200, 10);
  });
});
