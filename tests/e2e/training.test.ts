/** Training from the studio in Chromium: progress and charts move while it runs, and Stop stops it. */
import { describe, expect, it } from 'vitest';
import { openPreset, screenshotPath, useStudio } from '../support/studio.ts';

const studio = useStudio();

describe('the training panel', () => {
  it('trains round 10 on a small subset, with the progress bar and the charts moving, then stops it', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    await page.click('[data-testid=view-train]');
    await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
    // The panel starts from round 10's own settings.
    expect(await page.inputValue('[data-testid=train-epochs]')).toBe('20');
    await page.fill('[data-testid=train-epochs]', '40');
    await page.fill('[data-testid=train-batch]', '32');
    await page.fill('[data-testid=train-limit]', '320');
    await page.click('[data-testid=train-start]');

    await page.waitForSelector('[data-testid=train-progress]', { timeout: 60_000 });
    const points = (chart: string) => page.getAttribute(`[data-testid=${chart}]`, 'data-points').then(Number);
    await expect.poll(() => points('chart-loss'), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    expect(await points('chart-batches')).toBeGreaterThan(0);
    expect(await points('chart-lr')).toBeGreaterThan(0);
    const first = await page.textContent('[data-testid=train-progress]');
    await expect.poll(() => page.textContent('[data-testid=train-progress]'), { timeout: 30_000 }).not.toBe(first);
    expect(await page.textContent('[data-testid=train-status]')).toContain('Training on wasm');
    await page.screenshot({ path: screenshotPath('screenshot-training.png') });

    await page.click('[data-testid=train-stop]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 5_000 }).toBe('cancelled');
    expect(await page.textContent('[data-testid=train-status]')).toMatch(/^Stopped after \d+ epochs?/);
  }, 180_000);
});
