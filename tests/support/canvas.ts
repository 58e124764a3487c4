/**
 * Reading the canvas in Chromium as a user sees it: card boxes on screen, connections as drawn
 * (sampled along their SVG paths), the zoom, and the wiring; for the end-to-end tests.
 */
import type { Page } from 'playwright-core';
import { viewportSettled } from './studio.ts';

export interface ScreenBox {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Every card (block, conv unit, collapsed group) with its box on screen; group frames left out. */
export function cardBoxes(page: Page): Promise<ScreenBox[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.svelte-flow__node'))
      .filter((node) => !node.classList.contains('svelte-flow__node-groupFrame'))
      .map((node) => {
        const r = node.getBoundingClientRect();
        return { id: node.getAttribute('data-id') ?? '', left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      }),
  );
}

/** Pairs of cards whose boxes overlap on screen (touching does not count). */
export async function overlappingCards(page: Page): Promise<string[]> {
  const boxes = await cardBoxes(page);
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) pairs.push(`${a.id} overlaps ${b.id}`);
    }
  }
  return pairs;
}

/**
 * Connections that pass behind a card: each drawn path is sampled every 2 px of its length and
 * mapped to the screen; a sample inside a card's box (2 px in from its border, where the
 * connection's own ends touch) is a crossing.
 */
export function edgesBehindCards(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll('.svelte-flow__node'))
      .filter((node) => !node.classList.contains('svelte-flow__node-groupFrame'))
      .map((node) => ({ id: node.getAttribute('data-id'), r: node.getBoundingClientRect() }));
    const found = new Set<string>();
    for (const edge of Array.from(document.querySelectorAll('.svelte-flow__edge'))) {
      const path = edge.querySelector('path.svelte-flow__edge-path') as SVGPathElement | null;
      const m = path?.getScreenCTM();
      if (!path || !m) continue;
      const length = path.getTotalLength();
      for (let at = 0; at <= length; at += 2) {
        const p = path.getPointAtLength(at);
        const x = m.a * p.x + m.c * p.y + m.e;
        const y = m.b * p.x + m.d * p.y + m.f;
        for (const { id, r } of boxes) {
          if (x > r.left + 2 && x < r.right - 2 && y > r.top + 2 && y < r.bottom - 2) found.add(`${edge.getAttribute('data-source')}→${edge.getAttribute('data-target')} behind ${id}`);
        }
      }
    }
    return [...found];
  });
}

/** The connections drawn, as `source>target`, sorted. */
export async function wiring(page: Page): Promise<string[]> {
  const pairs = await page.$$eval('.svelte-flow__edge', (edges) => edges.map((edge) => `${edge.getAttribute('data-source')}>${edge.getAttribute('data-target')}`));
  return pairs.sort();
}

/** The canvas' zoom, from the viewport's transform. */
export async function zoom(page: Page): Promise<number> {
  const transform = (await page.getAttribute('.svelte-flow__viewport', 'style')) ?? '';
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 'NaN');
}

/** The smallest text inside cards that is visible on screen, in screen pixels (font size × zoom). */
export async function smallestCardText(page: Page): Promise<{ size: number; text: string }> {
  const scale = await zoom(page);
  const smallest = await page.evaluate(() => {
    const canvas = document.querySelector('.svelte-flow')!.getBoundingClientRect();
    let best = { size: Infinity, text: '' };
    for (const card of Array.from(document.querySelectorAll('.svelte-flow__node'))) {
      const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const element = text.parentElement!;
        if (!text.textContent?.trim() || element.closest('.svelte-flow__handle')) continue;
        const style = getComputedStyle(element);
        const r = element.getBoundingClientRect();
        const onScreen = r.bottom > canvas.top && r.top < canvas.bottom && r.right > canvas.left && r.left < canvas.right && r.width > 0;
        if (style.visibility !== 'visible' || style.display === 'none' || !onScreen) continue;
        const size = parseFloat(style.fontSize);
        if (size < best.size) best = { size, text: text.textContent.trim() };
      }
    }
    return best;
  });
  return { size: smallest.size * scale, text: smallest.text };
}

/** Whether a card lies wholly inside the canvas on screen. */
export async function cardInView(page: Page, id: string): Promise<boolean> {
  return page.evaluate((cardId) => {
    const canvas = document.querySelector('.svelte-flow')!.getBoundingClientRect();
    const card = document.querySelector(`.svelte-flow__node[data-id="${CSS.escape(cardId)}"]`)?.getBoundingClientRect();
    return card !== undefined && card.left >= canvas.left && card.right <= canvas.right && card.top >= canvas.top && card.bottom <= canvas.bottom;
  }, id);
}

/** Clicks a palette button and waits until the canvas has the new card and has settled. */
export async function addFromPalette(page: Page, type: string): Promise<string> {
  const before = new Set(await page.$$eval('.svelte-flow__node', (nodes) => nodes.map((n) => n.getAttribute('data-id'))));
  await page.click(`[data-testid=palette-${type}]`);
  const added = await page.waitForFunction(
    (known) => Array.from(document.querySelectorAll('.svelte-flow__node')).map((n) => n.getAttribute('data-id')).find((id) => id && !known.includes(id)),
    [...before],
  );
  await viewportSettled(page);
  return (await added.jsonValue()) as string;
}

/** Scrolls the canvas (the mouse wheel pans it) until `selector` is inside it. */
export async function scrollTo(page: Page, selector: string) {
  const canvas = (await page.locator('.svelte-flow').boundingBox())!;
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  for (let step = 0; step < 40; step++) {
    const box = (await page.locator(selector).first().boundingBox())!;
    const dy = box.y + box.height > canvas.y + canvas.height - 40 ? 200 : box.y < canvas.y + 40 ? -200 : 0;
    if (dy === 0) return;
    await page.mouse.wheel(0, dy);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${selector} never came into view`);
}

/** Clicks a control that lays the design out (Layout, a direction, Compact) and waits until the layout is done and the view still. */
export async function layOutWith(page: Page, selector: string): Promise<void> {
  const done = async () => Number((await page.getAttribute('[data-testid=canvas]', 'data-layouts')) ?? '0');
  const before = await done();
  await page.click(selector);
  await page.waitForFunction((count) => Number(document.querySelector('[data-testid=canvas]')?.getAttribute('data-layouts') ?? '0') > count, before);
  await viewportSettled(page);
}
