/**
 * A design's training recipe reaches the run whole: a file whose training section names an IDX
 * folder, seed 7, a limit, Nesterov and a one-cycle schedule opens with all of it in the training
 * panel, and the run's settings.json holds exactly that (it used to train on MNIST with seed 1).
 * Editing the panel edits the design, so saving keeps the recipe.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idxBytes } from '../data/image-fixtures.ts';
import { chainOf } from '../support/graphs.ts';
import { openDesign, useStudio } from '../support/studio.ts';

const studio = useStudio();

/** Two classes of 8×8 images, light and dark, as the four IDX files; 32 to train on and 16 to test. */
function writeIdxFolder(folder: string): void {
  const images = (count: number) => Array.from({ length: count * 64 }, (_, i) => (Math.floor(i / 64) % 2 === 0 ? 230 : 20));
  const labels = (count: number) => Array.from({ length: count }, (_, i) => i % 2);
  mkdirSync(folder, { recursive: true });
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(folder, name), bytes);
  write('train-images-idx3-ubyte', idxBytes([32, 8, 8], images(32)));
  write('train-labels-idx1-ubyte', idxBytes([32], labels(32)));
  write('t10k-images-idx3-ubyte', idxBytes([16, 8, 8], images(16)));
  write('t10k-labels-idx1-ubyte', idxBytes([16], labels(16)));
}

const RECIPE = {
  dataset: 'idx:digits',
  epochs: 2,
  batchSize: 8,
  optimizer: 'sgd',
  learningRate: 0.1,
  momentum: 0.8,
  nesterov: true,
  schedule: { type: 'oneCycle', pctStart: 0.25, divFactor: 10, finalDivFactor: 100 },
  augment: { rotate: 5, shift: 1 },
  seed: 7,
  limit: 24,
};

describe('the training recipe of a design', () => {
  it('goes from the file through the panel into the run whole, and panel edits are saved with the design', async () => {
    const { page, workspace } = studio();
    writeIdxFolder(join(workspace, 'digits'));
    const conv = { type: 'conv2d', params: { filters: 4, kernelSize: 3 } };
    const design = { ...chainOf([8, 8, 1], [conv, { type: 'activation', params: { function: 'relu' } }, { type: 'flatten' }, { type: 'dense', params: { units: 2 } }, { type: 'output' }]), name: 'Recipe', training: RECIPE };
    const file = join(workspace, 'recipe.json');

    await openDesign(studio(), 'recipe.json', design);
    await expect.poll(() => page.textContent('[data-testid=document-title]')).toBe('Recipe');
    await page.click('[data-testid=view-train]');

    const shown = async (key: string) => page.inputValue(`[data-testid=train-${key}]`);
    expect(await shown('dataset')).toBe('idx:digits');
    expect(await shown('seed')).toBe('7');
    expect(await shown('limit')).toBe('24');
    expect(await page.isChecked('[data-testid=train-nesterov]')).toBe(true);
    expect(await shown('schedule')).toBe('oneCycle');
    expect(await shown('learningRate')).toBe('0.1');
    expect(await shown('schedule-pctStart')).toBe('0.25');
    expect(await shown('augment-rotate')).toBe('5');
    // Opening the design and looking at its recipe changes nothing.
    expect(await page.textContent('[data-testid=document-title]')).toBe('Recipe');

    await page.click('[data-testid=train-start]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 60_000 }).toBe('finished');
    const runs = join(workspace, 'runs');
    const settings = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0]!, 'settings.json'), 'utf8'));
    // The server resolves the folder against the workspace; everything else arrives as the file
    // says, with the defaults of what it leaves out (the validation split as the images it held out).
    expect(settings).toMatchObject({ ...RECIPE, dataset: `idx:${join(workspace, 'digits')}`, validation: 2 });

    // An edit in the panel is an edit of the design: refused values stay out, accepted ones are saved.
    await page.fill('[data-testid=train-seed]', '-3');
    await expect.poll(() => page.textContent('[data-testid=train-seed-error]')).toMatch(/^Seed: /);
    expect(await page.isDisabled('[data-testid=train-start]')).toBe(true);
    await page.fill('[data-testid=train-seed]', '9');
    await page.selectOption('[data-testid=train-schedule]', 'plateau');
    await page.fill('[data-testid=train-schedule-patience]', '4');
    await page.fill('[data-testid=train-limit]', '');
    await expect.poll(() => page.textContent('[data-testid=document-title]')).toBe('• Recipe');
    await page.click('[data-testid=save]');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('Saved');
    const saved = JSON.parse(readFileSync(file, 'utf8')).training;
    const { limit: _limit, ...unlimited } = RECIPE;
    // The panel writes the whole recipe, defaults included, so the file says what the run will do.
    expect(saved).toMatchObject({ ...unlimited, seed: 9, schedule: { type: 'plateau', factor: 0.1, patience: 4, minLr: 0 } });
  }, 120_000);
});
