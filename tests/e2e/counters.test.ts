/**
 * The header's counters in Chromium, each test from its own preset: freezing a block from the
 * inspector, the exact coverage of the output's receptive field, and totals marked as partial
 * while part of the graph is broken.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrollTo } from '../support/canvas.ts';
import { REPO } from '../support/cli.ts';
import { chooseFileName, openPreset, showOpenDialog, useStudio, viewportSettled } from '../support/studio.ts';

const studio = useStudio();

const text = (selector: string) => studio().page.textContent(selector);
const nonTrainable = () => text('[data-testid=non-trainable]');

/** A file of tests/fixtures/reports opened from the workspace, once the header shows `trainable`. */
async function openReport(name: string, trainable: string) {
  const { page, workspace } = studio();
  copyFileSync(join(REPO, 'tests/fixtures/reports', name), join(workspace, name));
  await showOpenDialog(page);
  await chooseFileName(page, name);
  await expect.poll(() => text('[data-testid=trainable]')).toBe(trainable);
  return page;
}

/** Round 10 afresh, laid out and still, with conv4 (below the fold at a legible Fit) scrolled into view. */
async function round10() {
  const { page } = studio();
  await openPreset(page, 'journey/round-10');
  await viewportSettled(page);
  await scrollTo(page, '[data-testid=block-conv4]');
  return page;
}

describe('the header counters', () => {
  it('moves a frozen block to the non-trainable count, and back on undo', async () => {
    const page = await round10();
    expect(await text('[data-testid=trainable]')).toBe('9,896');
    await page.click('[data-testid=block-conv4]');
    await page.uncheck('[data-testid=field-trainable]');
    // conv4's 4,608 weights are frozen: 9,896 − 4,608 trainable, 192 + 4,608 not.
    await expect.poll(() => text('[data-testid=trainable]')).toBe('5,288');
    expect(await nonTrainable()).toBe('4,800');
    expect(await text('[data-testid=block-conv4]')).toContain('frozen');
    await page.click('.svelte-flow__pane', { position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => text('[data-testid=trainable]')).toBe('9,896');
  });

  it('says how many input pixels the output misses, exactly', async () => {
    const page = await round10();
    expect(await text('[data-testid=coverage]')).toBe('covers the whole input');
    // pool1 has stride 2: a 3×3 window turns the 24×24 map into 11×11 and its windows end at
    // row and column 22, so the map's last row and column — the image's 28th — never reach the
    // output: 27 × 27 pixels seen, 784 − 729 = 55 missed.
    await page.click('[data-testid=block-pool1]');
    await page.fill('[data-testid=field-poolSize]', '3');
    await expect.poll(() => text('[data-testid=coverage]')).toBe('misses 55 of the 784 input pixels');
  });

  it('marks the totals as lower bounds while blocks are unresolved', async () => {
    const page = await round10();
    await page.click('[data-testid=block-conv4]');
    await page.fill('[data-testid=field-kernelSize]', '30');
    await expect.poll(() => text('[data-testid=trainable]')).toBe('≥ 3,608');
    expect(await text('[data-testid=unresolved]')).toBe('16 blocks unresolved');
    expect(await nonTrainable()).toBe('≥ 80');
  });

  it('counts the frozen layers of a Keras file as Keras does (reports/02: 67, 8,304)', async () => {
    await openReport('02-frozen-layers.json', '67');
    expect(await nonTrainable()).toBe('8,304');
    expect(await text('[data-testid=block-frozen_conv]')).toContain('frozen');
  });

  it('says reports/16 misses 23 of its 144 pixels, although its field is 12×12', async () => {
    // conv 1·9·4 + 4 = 40, fc 4·2 + 2 = 10.
    await openReport('16-rf-coverage-padding.json', '50');
    expect(await text('[data-testid=receptive-field]')).toContain('12×12');
    expect(await text('[data-testid=coverage]')).toBe('misses 23 of the 144 input pixels');
  });
});
