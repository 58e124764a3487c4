/**
 * The journey's loop in Chromium: train two rounds, then compare them side by side with their
 * difference named in words, evaluate one, look into its feature maps, rename and delete runs.
 */
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
    // The panel's settings are the design's: opening round 10 after training round 9 asks to
    // discard them, in the studio's own dialog (openPreset answers it).
    await trainShort('round-09');
    await page.click('[data-testid=view-design]');
    await trainShort('round-10');

    await page.click('[data-testid=view-runs]');
    const rows = page.locator('[data-testid=run-row]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('[data-testid=run-row][data-status=finished]').count()).toBe(2);
    await expect.poll(() => page.getAttribute('[data-testid=chart-tradeoff]', 'data-points').then(Number)).toBeGreaterThanOrEqual(2);

    // A 128-image run of 2 epochs says so, not to be taken for a full one.
    expect(await rows.first().locator('[data-testid=run-data]').textContent()).toBe('MNIST, 128 images');
    expect(await rows.first().locator('[data-testid=run-epochs]').textContent()).toBe('2');

    for (const box of await page.locator('[data-testid=run-row] input[type=checkbox]').all()) await box.check();
    await expect.poll(() => page.getAttribute('[data-testid=chart-compare-test]', 'data-points').then(Number), { timeout: 10_000 }).toBe(4);
    expect(await page.getAttribute('[data-testid=chart-compare-train-loss]', 'data-points')).toBe('4');
    // Accuracy in percent in the charts as in the table, epochs ticking at whole numbers.
    const yMax = Number(await page.getAttribute('[data-testid=chart-compare-test]', 'data-y-max'));
    expect(yMax).toBeGreaterThan(1);
    expect(yMax).toBeLessThanOrEqual(100);
    expect((await page.getAttribute('[data-testid=chart-compare-test]', 'data-x-ticks'))!.split(' ').every((tick) => Number.isInteger(Number(tick)))).toBe(true);
    const diff = await page.textContent('[data-testid=run-diff]');
    expect(diff).toContain('Learning rate: 0.01 → 0.05');
    expect(diff).toContain('Schedule: constant → step (StepLR)');
    expect(diff).not.toContain('schedule.type');
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
    // The maps scroll into view when they open.
    await expect.poll(() => page.locator('[data-testid=feature-maps]').evaluate((element) => element.getBoundingClientRect().top)).toBeLessThan(page.viewportSize()!.height / 2);
    expect(await page.locator('[data-testid^=channel-conv1-]').count()).toBe(8);
    // Where the next map sits within the view (the page itself may still be scrolling).
    const neighbour = page.locator('[data-testid=channel-conv4-1]');
    const offset = () => neighbour.evaluate((element) => {
      const map = element.getBoundingClientRect();
      const view = element.closest('[data-testid=feature-maps]')!.getBoundingClientRect();
      return { x: map.x - view.x, y: map.y - view.y };
    });
    const before = await offset();
    await page.locator('[data-testid=channel-conv4-0]').click({ position: { x: 2, y: 2 } });
    const rf = await page.locator('[data-testid=rf-box]').boundingBox();
    // conv4's units see 14×14 pixels; the input is drawn 6 times its size.
    expect(Math.round(rf!.width / 6)).toBe(14);
    // Clicking a map moves nothing: the next click lands where it aims.
    expect(await offset()).toEqual(before);
    // conv7 comes after the global pool: 1×1 maps, drawn mid-grey with their value, not black.
    const oneByOne = page.locator('[data-testid=channel-conv7-0]');
    expect(await oneByOne.getAttribute('data-constant')).not.toBeNull();
    expect(await oneByOne.evaluate((canvas: HTMLCanvasElement) => [...canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data].slice(0, 3))).toEqual([128, 128, 128]);
    // The picture shows the evaluation and the maps together (the maps scrolled themselves into sight).
    await page.locator('[data-testid=evaluation]').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('screenshot-evaluation.png'), fullPage: true });

    // Rename a run in place; the table shows the new name.
    await rows.first().locator('[data-testid=run-actions]').click();
    await page.click('[data-testid=run-rename]');
    await page.fill('[data-testid=run-edit]', 'round 10, short');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.first().textContent()).toContain('round 10, short');

    // Deleting asks first in the studio, naming the run by name, start and id; Escape keeps it.
    await rows.last().locator('[data-testid=run-actions]').click();
    await page.click('[data-testid=run-delete]');
    const question = page.locator('[data-testid=delete-run]');
    await question.waitFor();
    const id = await rows.last().locator('td').nth(1).getAttribute('title');
    expect(await question.textContent()).toMatch(new RegExp(`"Journey round 9: Augmentation", started .+ \\(id ${id}\\)`));
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(2);
    await rows.last().locator('[data-testid=run-actions]').click();
    await page.click('[data-testid=run-delete]');
    await question.locator('button', { hasText: 'Delete the run' }).click();
    await expect.poll(() => rows.count()).toBe(1);
  }, 240_000);

  it('trains a finished run one epoch further from the runs view, the table saying which split chose its best epoch', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-09');
    await page.click('[data-testid=view-train]');
    await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-batchSize]', '32');
    await page.fill('[data-testid=train-limit]', '128');
    await page.click('[data-testid=train-start]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 90_000 }).toBe('finished');
    // The status names the split that chose the best epoch.
    expect(await page.textContent('[data-testid=train-status]')).toMatch(/^Finished: best epoch 1 by validation accuracy [\d.]+ % \(test [\d.]+ %\)$/);

    await page.click('[data-testid=view-runs]');
    const row = page.locator('[data-testid=run-row]').first();
    await row.waitFor();
    expect(await row.locator('[data-testid=run-best-epoch]').textContent()).toBe('1 by val.');
    expect(await row.locator('[data-testid=run-best-validation]').textContent()).toMatch(/^[\d.]+ %$/);

    await row.locator('[data-testid=run-actions]').click();
    await page.click('[data-testid=run-resume]');
    expect(await page.inputValue('[data-testid=run-resume-epochs]')).toBe('6');
    await page.fill('[data-testid=run-resume-epochs]', '2');
    await page.click('[data-testid=run-resume-start]');
    // It trains in the training view, its first epoch already on the charts.
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 90_000 }).toBe('finished');
    // Two epochs of train (while training and clean), validation and test accuracy.
    expect(await page.getAttribute('[data-testid=chart-accuracy]', 'data-points')).toBe('8');

    await page.click('[data-testid=view-runs]');
    await expect.poll(() => row.locator('[data-testid=run-epochs]').textContent()).toBe('2');
    expect(await page.locator('[data-testid=run-row]').count()).toBe(1);
  }, 240_000);
});
