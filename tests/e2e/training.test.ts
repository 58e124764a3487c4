/**
 * Training from the studio in Chromium: progress and charts move while it runs, and Stop stops
 * it. Each test starts from a fresh studio.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { solid, writePng, writeText } from '../data/image-fixtures.ts';
import { openPreset, screenshotPath, useStudio } from '../support/studio.ts';

const studio = useStudio();

/** Round 10 in the training view, its backends listed. */
async function openTrainingPanel(page: Page): Promise<void> {
  await openPreset(page, 'journey/round-10');
  await page.click('[data-testid=view-train]');
  await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
}

describe('the training panel', () => {
  it('trains round 10 on a small subset, with the progress bar and the charts moving, then stops it', async () => {
    const { page } = studio();
    await openTrainingPanel(page);
    // The panel starts from round 10's own settings.
    expect(await page.inputValue('[data-testid=train-epochs]')).toBe('20');
    // The memory estimate follows the batch, and warns before the engine would refuse.
    expect(await page.textContent('[data-testid=train-memory]')).toMatch(/Training needs about [\d.]+ MiB at batch 128; the wasm backend holds at most 4\.0 GiB\.$/);
    await page.fill('[data-testid=train-batchSize]', '65536');
    await expect.poll(() => page.textContent('[data-testid=train-memory]')).toMatch(/GiB at batch 65,536; .*: lower the batch or shrink the early layers\.$/);
    await page.fill('[data-testid=train-epochs]', '40');
    await page.fill('[data-testid=train-batchSize]', '32');
    await page.fill('[data-testid=train-limit]', '320');
    // Every status the panel shows, from the click on: the seconds before the first batch say what is happening.
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid=train-status]')!;
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.click('[data-testid=train-start]');

    await page.waitForSelector('[data-testid=train-progress]', { timeout: 60_000 });
    const points = (chart: string) => page.getAttribute(`[data-testid=${chart}]`, 'data-points').then(Number);
    await expect.poll(() => points('chart-loss'), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    expect(await points('chart-batches')).toBeGreaterThan(0);
    expect(await points('chart-lr')).toBeGreaterThan(0);
    const first = await page.textContent('[data-testid=train-progress]');
    await expect.poll(() => page.textContent('[data-testid=train-progress]'), { timeout: 30_000 }).not.toBe(first);
    expect(await page.textContent('[data-testid=train-status]')).toContain('Training on wasm');
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    expect(statuses.slice(0, statuses.findIndex((s) => s.startsWith('Training on')))).toEqual([
      'Starting the training process…',
      'Starting the fastest backend…',
      'Loading MNIST…',
      'Building the model…',
      ...(availableParallelism() > 1 ? [`Starting ${availableParallelism()} training threads…`] : []),
    ]);
    // The batch chart is the batches' own loss, and the epoch charts tick at whole epochs.
    expect((await page.getAttribute('[data-testid=chart-loss]', 'data-x-ticks'))!.split(' ').every((tick) => Number.isInteger(Number(tick)))).toBe(true);
    expect(Number(await page.getAttribute('[data-testid=chart-accuracy]', 'data-y-max'))).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('screenshot-training.png') });

    await page.click('[data-testid=train-stop]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 5_000 }).toBe('cancelled');
    expect(await page.textContent('[data-testid=train-status]')).toMatch(/^Stopped after \d+ epochs?/);
    // No time left to wait for once stopped.
    expect(await page.textContent('[data-testid=train-progress]')).not.toContain('ETA');
  }, 180_000);

  it('previews a folder of your own images, lists what it skipped, and sets the Input block to their shape', async () => {
    const { page, workspace } = studio();
    await openTrainingPanel(page);
    for (const [name, colour] of [['circles', [250, 250, 250]], ['squares', [90, 90, 90]]] as [string, [number, number, number]][]) {
      for (let i = 0; i < 6; i++) writePng(join(workspace, 'shapes', name, `${i}.png`), 16, 16, solid(16, 16, colour));
    }
    writeText(join(workspace, 'shapes', 'squares', 'readme.txt'), 'not an image');
    await page.fill('[data-testid=train-dataset]', 'images:shapes?size=12x12&grayscale=1');
    await page.click('[data-testid=inspect-dataset]');
    const preview = page.locator('[data-testid=dataset-preview]');
    await expect.poll(() => preview.count(), { timeout: 30_000 }).toBe(1);
    expect(await preview.textContent()).toContain('12×12×1 images, 2 classes, 10 training and 2 test images');
    expect(await preview.textContent()).toContain('1 file skipped');
    await page.click('[data-testid=match-input]');
    await expect.poll(() => page.textContent('[data-testid=block-input] [data-role=shape]')).toBe('12×12×1');
  });
});
