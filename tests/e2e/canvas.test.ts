/**
 * The canvas in Chromium at the two window sizes the studio is judged at: inserting into chains,
 * splitting and reconnecting, the layered layout, legible zoom, search, groups and budgets. Each
 * test sets up its own design.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addFromPalette, cardInView, edgesBehindCards, layOutWith, overlappingCards, scrollTo, smallestCardText, wiring, zoom } from '../support/canvas.ts';
import { chooseFileName, openDesign, openPreset, showOpenDialog, startEmpty, useStudio, viewportSettled, VIEWPORTS, waitForStart } from '../support/studio.ts';
const PRESETS = [
  ...Array.from({ length: 10 }, (_, i) => `journey/round-${String(i + 1).padStart(2, '0')}`),
  'presets/lenet-5',
  'presets/small-resnet',
  'presets/inception-block',
];

const trainable = (page: Page) => page.textContent('[data-testid=trainable]');

/** Clicks a card (at its top, clear of the handles), as a user selects a block. */
async function select(page: Page, id: string, modifiers: ('Shift' | 'Control')[] = []) {
  const card = page.locator(`[data-testid=block-${id}]`);
  const box = (await card.boundingBox())!;
  await card.click({ position: { x: box.width / 2, y: Math.min(12, box.height / 3) }, modifiers });
}

describe.each(VIEWPORTS)('the canvas at $width×$height', (viewport) => {
  const studio = useStudio({ viewport });
  const { width } = viewport;
  const setUp = async () => studio().page;

  it('inserts into a chain, splits a connection, and deletes with reconnect, without an overlap', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-01');
    await viewportSettled(page);
    const before = await wiring(page);
    const after = before.find((pair) => pair.startsWith('conv1>'))!.split('>')[1]!;

    // Inserted after conv1: the new block takes over conv1's connection.
    await select(page, 'conv1');
    const bn = await addFromPalette(page, 'batchNorm');
    expect(await wiring(page)).toEqual([...before.filter((p) => p !== `conv1>${after}`), `conv1>${bn}`, `${bn}>${after}`].sort());
    expect(await overlappingCards(page)).toEqual([]);
    expect(await cardInView(page, bn)).toBe(true);

    // Dropped on the connection bn → next: it splits it.
    const edge = page.locator(`.svelte-flow__edge[data-source="${bn}"]`);
    const box = (await edge.locator('path.svelte-flow__edge-path').boundingBox())!;
    await page.dragAndDrop('[data-testid=palette-dropout]', '.svelte-flow__pane', { targetPosition: await paneOffset(page, box.x + box.width / 2, box.y + box.height / 2) });
    await expect.poll(() => wiring(page)).toContain(`${bn}>dropout1`);
    expect(await wiring(page)).toContain(`dropout1>${after}`);
    expect(await overlappingCards(page)).toEqual([]);

    // Deleted: its neighbours are joined again.
    await select(page, 'dropout1');
    await page.keyboard.press('Delete');
    await expect.poll(() => wiring(page)).toContain(`${bn}>${after}`);
    // Shift+Delete leaves the gap.
    await select(page, bn);
    await page.keyboard.press('Shift+Delete');
    await expect.poll(async () => (await wiring(page)).some((p) => p.startsWith('conv1>'))).toBe(false);
    expect(await overlappingCards(page)).toEqual([]);
  });

  it('lays out every preset in layers: no overlaps, no connection behind a card, the output last', async () => {
    const page = await setUp();
    for (const preset of PRESETS) {
      await openPreset(page, preset);
      await layOutWith(page, '[data-testid=auto-layout]');
      expect(await overlappingCards(page), preset).toEqual([]);
      expect(await edgesBehindCards(page), preset).toEqual([]);
      const boxes = await page.$$eval('.svelte-flow__node', (nodes) => nodes.map((n) => ({ type: n.querySelector('[data-type]')?.getAttribute('data-type'), top: n.getBoundingClientRect().top, bottom: n.getBoundingClientRect().bottom })));
      const output = boxes.find((b) => b.type === 'output')!;
      for (const other of boxes.filter((b) => b !== output)) expect(other.bottom, preset).toBeLessThan(output.top);
    }
  });

  it('lays out a block made taller by its problem message at its real size, overlapping nothing', async () => {
    const page = await setUp();
    await openPreset(page, 'presets/small-resnet');
    await viewportSettled(page);
    await select(page, 'res1_conv1');
    await page.fill('[data-testid=field-padding]', 'valid');
    await page.fill('[data-testid=field-kernelSize]', '31');
    await page.waitForSelector('[data-testid=block-res1_conv1] [data-role=problem]', { state: 'attached' });
    await layOutWith(page, '[data-testid=auto-layout]');
    const heights = await page.$$eval('.svelte-flow__node', (nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-id'), n.getBoundingClientRect().height])));
    expect(heights.res1_conv1!).toBeGreaterThan(heights.res1_conv2! * 1.2);
    expect(await overlappingCards(page)).toEqual([]);
    expect(await edgesBehindCards(page)).toEqual([]);
  });

  it('lays out a design that comes without positions when it opens, and leaves it unchanged', async () => {
    const page = await setUp();
    const design = JSON.parse(readFileSync(join(process.cwd(), 'resources/presets/small-resnet.json'), 'utf8')) as { nodes: { position?: unknown }[] };
    for (const node of design.nodes) delete node.position;
    await openDesign(studio(), 'no-positions.json', design);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=canvas]')?.getAttribute('data-layouts') ?? '0') > 0);
    await viewportSettled(page);
    expect(await overlappingCards(page)).toEqual([]);
    expect(await edgesBehindCards(page)).toEqual([]);
    // Laying out is part of opening: nothing to save, nothing to undo.
    expect(await page.textContent('[data-testid=document-title]')).not.toMatch(/•/);
    expect(await page.isDisabled('[data-testid=undo]')).toBe(true);
  });

  it('lays a residual block out left to right with the skip connection around the blocks it skips', async () => {
    const page = await setUp();
    await openPreset(page, 'presets/small-resnet');
    await layOutWith(page, '[data-testid=layout-right]');
    expect(await overlappingCards(page)).toEqual([]);
    expect(await edgesBehindCards(page)).toEqual([]);
    const lefts = await page.$$eval('.svelte-flow__node', (nodes) => nodes.map((n) => ({ id: n.getAttribute('data-id'), left: n.getBoundingClientRect().left })));
    const output = lefts.find((n) => n.id === 'output')!;
    expect(lefts.every((n) => n.id === 'output' || n.left < output.left)).toBe(true);
    // The direction is kept with the design: the next auto-layout keeps it.
    await layOutWith(page, '[data-testid=auto-layout]');
    expect(await page.getAttribute('[data-testid=canvas]', 'data-direction')).toBe('right');
  });

  it('folds conv units in the compact view, the totals unchanged, and opens one in place', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-10');
    const total = await trainable(page);
    await layOutWith(page, '[data-testid=compact]');
    // 30 blocks: six convs each with its BatchNorm, ReLU and Dropout (conv5 and conv7 with fewer) fold into units.
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBeLessThan(16);
    await viewportSettled(page);
    expect(await trainable(page)).toBe(total);
    expect(await page.textContent('[data-testid=block-conv2]')).toContain('1,184 p');
    expect(await overlappingCards(page)).toEqual([]);
    expect(await edgesBehindCards(page)).toEqual([]);
    const folded = await page.locator('.svelte-flow__node').count();
    await page.click((await zoom(page)) < 11 / 12 ? '[data-testid=unfold-far-conv2]' : '[data-testid=unfold-conv2]');
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(folded + 3);
    await viewportSettled(page);
    expect(await overlappingCards(page)).toEqual([]);
  });

  it('fits round 10 at a legible zoom: block text of at least 11 px on screen, the start in view', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-10');
    await page.click('[data-testid=fit]');
    await viewportSettled(page);
    const smallest = await smallestCardText(page);
    expect(smallest.size, `"${smallest.text}"`).toBeGreaterThanOrEqual(11);
    expect(await cardInView(page, 'input')).toBe(true);
    // Zoomed out further by hand, the cards switch to large type.
    expect(await zoom(page)).toBeGreaterThanOrEqual(0.5);
    expect(await page.locator('[data-testid=block-conv1] [data-role=simple]').count()).toBe(1);
  });

  it('hides the minimap with its toggle, and remembers that after a reload', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-03');
    expect(await page.locator('.svelte-flow__minimap').count()).toBe(1);
    // Translucent over the canvas.
    expect(Number(await page.locator('.svelte-flow__minimap').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(1);
    await page.click('[data-testid=toggle-minimap]');
    expect(await page.locator('.svelte-flow__minimap').count()).toBe(0);
    await page.reload();
    await waitForStart(page);
    await openPreset(page, 'journey/round-03');
    expect(await page.locator('.svelte-flow__minimap').count()).toBe(0);
  });

  it('shows the whole of a small design at its natural size, not magnified', async () => {
    const page = await setUp();
    await startEmpty(page);
    await addFromPalette(page, 'input');
    expect(await zoom(page)).toBe(1);
    expect(await cardInView(page, 'input')).toBe(true);
  });

  it('inserts a block by keyboard alone: quick add and the palette search', async () => {
    const page = await setUp();
    await startEmpty(page);
    // Beside the empty canvas' hint, which sits in the middle.
    await page.locator('.svelte-flow__pane').hover({ position: { x: 40, y: 200 } });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('inp');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=block-input]');
    await page.keyboard.press('Control+k');
    await page.keyboard.type('relu');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=block-act1]');
    expect(await wiring(page)).toEqual(['input>act1']);
    // The palette's own search field: type, arrow, Enter.
    await page.focus('[data-testid=palette-search]');
    await page.keyboard.type('pool');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=block-avgpool1]');
    expect(await wiring(page)).toEqual(['act1>avgpool1', 'input>act1']);
    expect(await overlappingCards(page)).toEqual([]);
  });

  it('tells what each block does, with its shape and parameter formulas', async () => {
    const page = await setUp();
    await startEmpty(page);
    await page.hover('[data-testid=palette-conv2d]');
    const tip = page.locator('[role=tooltip]');
    await expect.poll(() => tip.textContent()).toContain('H_out = ⌊(H + p_top + p_bottom − d·(k_h − 1) − 1) / s⌋ + 1');
    expect(await tip.textContent()).toContain('k_h·k_w·C_in·F (+ F with bias)');
    await page.hover('[data-testid=receptive-field]');
    await expect.poll(() => tip.textContent()).toMatch(/Receptive field: RF .*, jump .*, start /);
    await page.mouse.move(0, 0);
  });

  it('renames a block by double-clicking it, refusing a taken name as one types', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-03');
    await viewportSettled(page);
    await page.dblclick('[data-testid=block-conv1]');
    const field = page.locator('[data-testid=rename-conv1]');
    await field.fill('conv2');
    await expect.poll(() => page.textContent('.rename-problem')).toBe('another block is already called "conv2"');
    await field.fill('stem');
    expect(await page.locator('.rename-problem').count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=block-stem]');
    expect((await wiring(page)).some((pair) => pair.startsWith('stem>'))).toBe(true);
  });

  it('groups the identical problems of a disconnected output into one entry', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-10');
    // The output is below the window at a legible zoom: the canvas scrolls to it.
    await scrollTo(page, '.svelte-flow__edge[data-target="output"]');
    await page.click('.svelte-flow__edge[data-target="output"]', { force: true });
    await page.keyboard.press('Delete');
    const entries = page.locator('[data-testid=problems] li[data-code=detached]');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.textContent()).toMatch(/^\d+ blocks lead nowhere; connect them towards the Output block or delete them: input, conv1/);
    // Each block keeps its own marker.
    expect(await page.locator('[data-testid=block-conv1] [data-role=problem]').count()).toBe(1);
  });

  it('groups blocks, collapses and expands them, and repeats the group three times, the totals unchanged by collapsing', async () => {
    const page = await setUp();
    await openPreset(page, 'journey/round-10');
    await viewportSettled(page);
    const total = await trainable(page);
    await select(page, 'conv2');
    for (const id of ['relu2', 'bn2', 'dropout2']) await select(page, id, ['Shift']);
    await page.keyboard.press('Control+g');
    await page.waitForSelector('[data-testid=group-group1]');
    expect(await trainable(page)).toBe(total);
    expect(await page.textContent('[data-testid=group-group1] [data-role=params]')).toContain('1,184 p');
    expect(await page.textContent('[data-testid=group-group1] [data-role=shape]')).toBe('24×24×16');
    expect(await overlappingCards(page)).toEqual([]);

    await page.click((await zoom(page)) < 11 / 12 ? '[data-testid=expand-far-group1]' : '[data-testid=expand-group1]');
    await page.waitForSelector('[data-testid=frame-group1]');
    expect(await trainable(page)).toBe(total);
    expect(await overlappingCards(page)).toEqual([]);
    await page.click('[data-testid=collapse-group1]');
    await page.waitForSelector('[data-testid=group-group1]');

    await page.click('[data-testid=group-group1]', { position: { x: 60, y: 12 } });
    await page.fill('[data-testid=repeat-times]', '3');
    await page.click('[data-testid=repeat]');
    await page.waitForSelector('[data-testid=group-group1_3]');
    // Each copy's conv sees the 16 channels of the one before: 3×3×16×16 + BatchNorm's 2×16.
    expect(await page.textContent('[data-testid=group-group1_2] [data-role=params]')).toContain('2,336 p');
    expect(await page.locator('[data-testid^=group-group1]').count()).toBe(3);
    await expect.poll(() => trainable(page)).toBe('14,568');
    expect(await overlappingCards(page)).toEqual([]);
    expect(await page.textContent('[data-testid=problems]')).toContain('None');
  });

  it('keeps a budget in the file: typed live, refused with a reason, reloaded, and warned about in Problems', async () => {
    const page = await setUp();
    await openPreset(page, 'presets/small-resnet');
    await page.click('[data-testid=open-budgets]');
    const field = page.locator('[data-testid=budget-params]');
    await field.fill('-5');
    await expect.poll(() => page.textContent('[data-testid=budgets] .field-error')).toBe('the parameter budget must be above 0 (got -5)');
    await field.fill('10k');
    await expect.poll(() => page.textContent('[data-testid=gauge-params]')).toContain('over by 9,706');
    const warning = page.locator('[data-testid=problems] li[data-code=over-budget]');
    await expect.poll(() => warning.textContent()).toContain('trainable parameters are 19,706, over the budget of 10,000 by 9,706; heaviest: res2_conv2');
    expect(await page.locator('[data-testid=block-res2_conv2] [data-role=over-budget]').count()).toBe(1);
    await page.keyboard.press('Escape');

    const name = `budget-${width}.json`;
    await page.keyboard.press('Control+Shift+S');
    await chooseFileName(page, name);
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('Saved');
    expect(JSON.parse(readFileSync(join(studio().workspace, name), 'utf8')).budgets).toEqual({ params: 10000 });

    await startEmpty(page);
    expect(await warning.count()).toBe(0);
    await showOpenDialog(page);
    await chooseFileName(page, name);
    await expect.poll(() => warning.count()).toBe(1);
  });

  it('builds journey round 10 from an empty canvas with the palette and the inspector, never a block over another, to 9,896 parameters', async () => {
    const page = await setUp();
    const target = JSON.parse(readFileSync(join(process.cwd(), 'resources/journey/round-10.json'), 'utf8')) as { nodes: { id: string; type: string; params?: Record<string, unknown> }[] };
    await startEmpty(page);
    for (const node of target.nodes) {
      const added = await addFromPalette(page, node.type);
      expect(await overlappingCards(page), `after ${node.id}`).toEqual([]);
      expect(await cardInView(page, added), `${node.id} in view`).toBe(true);
      await setUpBlock(page, added, node);
    }
    await expect.poll(() => trainable(page)).toBe('9,896');
    expect(await page.textContent('[data-testid=problems]')).toContain('None');
    expect(await overlappingCards(page)).toEqual([]);
    expect(await page.textContent('[data-testid=receptive-field]')).toContain('28×28');
  });
});

/** The pane-relative point of a screen point, for dragAndDrop's targetPosition. */
async function paneOffset(page: Page, x: number, y: number) {
  const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
  return { x: x - pane.x, y: y - pane.y };
}

/** Names the block just added and types its settings into the inspector, as a user would. */
async function setUpBlock(page: Page, added: string, node: { id: string; type: string; params?: Record<string, unknown> }) {
  if (added !== node.id) {
    await page.fill('[data-testid=inspector-label]', node.id);
    await page.press('[data-testid=inspector-label]', 'Enter');
    await page.waitForSelector(`[data-testid=block-${node.id}]`);
  }
  const text = (value: unknown) => (Array.isArray(value) ? (value.length === 4 ? value.join(',') : value.join('×')) : String(value));
  for (const [key, value] of Object.entries(node.params ?? {})) {
    const field = page.locator(`[data-testid=field-${key}]`);
    if ((await field.count()) === 0) continue;
    const kind = await field.evaluate((element) => (element instanceof HTMLInputElement ? element.type : element.tagName.toLowerCase()));
    if (kind === 'checkbox') {
      if ((await field.isChecked()) !== value) await field.click();
    } else if (kind === 'select') await field.selectOption(String(value));
    else if ((await field.inputValue()) !== text(value)) await field.fill(text(value));
  }
  // Clicking the card again leaves the inspector (its last field commits) and keeps it selected for the next insert.
  await select(page, node.id);
}
