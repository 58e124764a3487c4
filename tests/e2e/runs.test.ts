/** The journey's loop in Chromium: train two rounds, then compare them side by side with their difference named. */
import { describe, expect, it } from 'vitest';
import { openPreset, screenshotPath, useStudio } from '../support/studio.ts';

const studio = useStudio();

async function trainShort(round: string) {
  const { page } = studio();
  await openPreset(page, `journey/${round}`);
  await page.click('[data-testid=view-train]');
  await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
  await page.fill('[data-testid=train-epochs]', '2');
  await page.fill('[data-testid=train-batchSize]', '32');
  await page.fill('[data-testid=train-limit]', '128');
  await page.click('[data-testid=train-start]');
  await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 90_000 }).toBe('finished');
}

describe('comparing runs', () => {
  it('trains rounds 9 and 10, lists both, overlays their curves and names what changed', async () => {
    const { page } = studio();
    // The panel's settings are the design's: opening round 10 after training round 9 asks to discard them.
    page.on('dialog', (dialog) => void dialog.accept());
    await trainShort('round-09');
    await page.click('button:has-text("Design")');
    await trainShort('round-10');

    await page.click('[data-testid=view-runs]');
    const rows = page.locator('[data-testid=run-row]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('[data-testid=run-row][data-status=finished]').count()).toBe(2);
    await expect.poll(() => page.getAttribute('[data-testid=chart-tradeoff]', 'data-points').then(Number)).toBeGreaterThanOrEqual(2);

    for (const box of await page.locator('[data-testid=run-row] input[type=checkbox]').all()) await box.check();
    await expect.poll(() => page.getAttribute('[data-testid=chart-compare-test]', 'data-points').then(Number), { timeout: 10_000 }).toBe(4);
    const diff = await page.textContent('[data-testid=run-diff]');
    expect(diff).toContain('learningRate 0.01 → 0.05');
    expect(diff).toContain('schedule.type "constant" → "step"');
    await page.screenshot({ path: screenshotPath('screenshot-runs.png'), fullPage: true });

    // Which digits does it get wrong? The confusion matrix and the most confident mistakes.
    await page.locator('[data-testid=run-row]').first().locator('[data-testid=run-evaluate]').click();
    await page.waitForSelector('[data-testid=evaluation]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=confusion] tbody tr').count()).toBe(10);
    expect(await page.textContent('[data-testid=evaluation] h3')).toMatch(/of 128 test images/);
    expect(await page.locator('[data-testid=mistake]').count()).toBeGreaterThan(0);

    // A mistake's feature maps, and the receptive field of a unit of the last convolution as a box.
    await page.locator('[data-testid=mistake]').first().click();
    await page.waitForSelector('[data-testid=feature-maps]', { timeout: 30_000 });
    expect(await page.locator('[data-testid^=channel-conv1-]').count()).toBe(8);
    await page.locator('[data-testid=channel-conv4-0]').click({ position: { x: 2, y: 2 } });
    const rf = await page.locator('[data-testid=rf-box]').boundingBox();
    // conv4's units see 14×14 pixels; the input is drawn 6 times its size.
    expect(Math.round(rf!.width / 6)).toBe(14);
    await page.screenshot({ path: screenshotPath('screenshot-evaluation.png'), fullPage: true });

    // Rename a run in place; the table shows the new name.
    await page.locator('[data-testid=run-row]').first().locator('button:has-text("Rename")').click();
    await page.fill('[data-testid=run-edit]', 'round 10, short');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=run-row]').first().textContent()).toContain('round 10, short');
  }, 240_000);
});
