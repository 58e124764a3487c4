/**
 * The studio in Chromium, as a person uses it: presets, building from the palette, errors on
 * blocks. Every test starts from a fresh studio and opens what it needs, so any one runs alone
 * and in any order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrollTo, zoom } from '../support/canvas.ts';
import { chooseFileName, openDesign, openPreset, screenshotPath, startEmpty, useStudio, viewportSettled } from '../support/studio.ts';

const studio = useStudio();

const trainable = () => studio().page.textContent('[data-testid=trainable]');

/** What the palette test builds: a 28×28×1 Input into the palette's Conv2d (8 filters, no bias), with the given kernel. */
function inputAndConv(kernelSize: number) {
  return {
    format: 'cnn-studio/graph',
    version: 2,
    nodes: [
      { id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 }, position: { x: 0, y: 0 } },
      { id: 'conv1', type: 'conv2d', params: { filters: 8, kernelSize, useBias: false }, position: { x: 0, y: 160 } },
    ],
    edges: [{ source: 'input', target: 'conv1' }],
  };
}

describe('the editor in the browser mode', () => {
  it('opens round 10 from the gallery and shows 9,896 parameters and a 28×28 receptive field', async () => {
    await openPreset(studio().page, 'journey/round-10');
    expect(await trainable()).toBe('9,896');
    expect(await studio().page.textContent('[data-testid=receptive-field]')).toContain('28×28');
    expect(await studio().page.textContent('[data-testid=block-conv4] [data-role=params]')).toBe('4,608 p');
    // The README's picture: the cards in full (zoomed in from the fit), conv4, the heaviest,
    // selected, and a parameter budget in the header.
    const { page } = studio();
    await viewportSettled(page);
    for (let i = 0; i < 6 && (await zoom(page)) < 1; i++) {
      await page.click('.svelte-flow__controls-zoomin');
      await viewportSettled(page);
    }
    await scrollTo(page, '[data-testid=block-conv4]');
    await page.click('[data-testid=block-conv4]');
    await page.click('[data-testid=open-budgets]');
    await page.fill('[data-testid=budget-params]', '10k');
    await page.keyboard.press('Escape');
    await page.mouse.move(0, 400);
    await page.screenshot({ path: screenshotPath('screenshot-editor.png') });
  });

  it("points at round 5's heavy 7×7 conv, and forgets the note once dismissed", async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-05');
    const note = page.locator('[data-testid=advice] li[data-rule=heavy-layer]');
    await expect.poll(() => note.count()).toBe(1);
    expect(await note.textContent()).toContain('conv8');
    await note.locator('button.dismiss').click();
    await expect.poll(() => note.count()).toBe(0);
  });

  it('builds from the palette: drag Input and Conv2d onto the canvas, connect them, and the total changes to 72', async () => {
    const { page } = studio();
    await startEmpty(page);
    expect(await trainable()).toBe('0');
    await page.dragAndDrop('[data-testid=palette-input]', '.svelte-flow__pane', { targetPosition: { x: 400, y: 150 } });
    // The canvas zooms to its content; drop the conv well below the Input wherever that put it.
    await viewportSettled(page);
    const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
    const input = (await page.locator('[data-testid=block-input]').boundingBox())!;
    await page.dragAndDrop('[data-testid=palette-conv2d]', '.svelte-flow__pane', { targetPosition: { x: input.x - pane.x + input.width / 2, y: input.y - pane.y + input.height + 120 } });
    await expect.poll(() => page.locator('[data-testid^=block-]').count()).toBe(2);
    await viewportSettled(page);
    // The unconnected conv's weights depend on its input's channels: unknown, so 0 is a lower bound.
    expect(await trainable()).toBe('≥ 0');
    expect(await page.textContent('[data-testid=unresolved]')).toBe('1 block unresolved');

    const source = page.locator('[data-testid=block-input] .svelte-flow__handle.source');
    const target = page.locator('[data-testid=block-conv1] .svelte-flow__handle.target');
    const from = (await source.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    // 8 filters × 3×3 kernel × 1 input channel, no bias.
    await expect.poll(trainable).toBe('72');
    expect(await page.textContent('[data-testid=block-conv1] [data-role=shape]')).toBe('26×26×8');
  });

  it('refuses a kernel of 0 in the inspector and never stores it', async () => {
    const { page } = studio();
    await openDesign(studio(), 'conv.json', inputAndConv(3));
    expect(await trainable()).toBe('72');
    await page.click('[data-testid=block-conv1]');
    await page.fill('[data-testid=field-kernelSize]', '0');
    expect(await page.textContent('.field-error')).toBe('Kernel size must be at least 1 (got 0)');
    expect(await trainable()).toBe('72');
    await page.fill('[data-testid=field-kernelSize]', '5');
    await expect.poll(trainable).toBe('200');
  });

  it('shows a kernel that does not fit on the block and in the problems list, and undo takes it back', async () => {
    const { page } = studio();
    await openDesign(studio(), 'conv.json', inputAndConv(5));
    expect(await trainable()).toBe('200');
    await page.click('[data-testid=block-conv1]');
    await page.fill('[data-testid=field-kernelSize]', '30');
    await page.locator('[data-testid=field-kernelSize]').blur();
    const problem = page.locator('[data-testid=block-conv1] [data-role=problem]');
    await expect.poll(() => problem.textContent()).toContain('the 30×30 kernel does not fit the 28×28 input');
    expect(await page.textContent('[data-testid=problems]')).toContain('conv1: the 30×30 kernel does not fit');
    // Clicking the problem selects its block.
    await page.click('.svelte-flow__pane', { position: { x: 50, y: 50 } });
    expect(await page.locator('[data-testid=inspector-label]').count()).toBe(0);
    await page.click('[data-testid=problems] button:has-text("conv1")');
    expect(await page.inputValue('[data-testid=inspector-label]')).toBe('conv1');
    await page.click('.svelte-flow__pane', { position: { x: 50, y: 50 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => problem.count()).toBe(0);
    expect(await trainable()).toBe('200');
  });

  it('multi-selects with shift-click, copies and pastes with the keyboard, and undoes the paste', async () => {
    const { page } = studio();
    await openDesign(studio(), 'conv.json', inputAndConv(5));
    const blocks = page.locator('[data-testid^=block-]');
    const before = await blocks.count();
    await page.click('[data-testid=fit]');
    await viewportSettled(page);
    await page.click('[data-testid=block-input]');
    await page.click('[data-testid=block-conv1]', { modifiers: ['Shift'] });
    expect(await page.locator('.svelte-flow__node.selected').count()).toBe(2);
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => blocks.count()).toBe(before + 2);
    // The pasted copy keeps its edge and its counters: a second 5×5 conv of 200 parameters.
    await expect.poll(() => page.textContent('[data-testid=trainable]')).toBe('400');
    await page.keyboard.press('Control+z');
    await expect.poll(() => blocks.count()).toBe(before);
    expect(await page.textContent('[data-testid=trainable]')).toBe('200');
  });

  it('saves an edited preset to the workspace under a new name and clears the dirty marker', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    await viewportSettled(page);
    expect(await page.textContent('[data-testid=document-title]')).not.toMatch(/^• /);
    await page.click('[data-testid=block-conv1]');
    await page.fill('[data-testid=field-filters]', '12');
    await expect.poll(trainable).not.toBe('9,896');
    expect(await page.textContent('[data-testid=document-title]')).toMatch(/^• /);
    await page.click('[data-testid=save]');
    await chooseFileName(page, 'my-first.json');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('Saved');
    expect(await page.textContent('[data-testid=document-title]')).not.toMatch(/^• /);
    const saved = JSON.parse(readFileSync(join(studio().workspace, 'my-first.json'), 'utf8'));
    expect(saved.nodes.find((node: { id: string }) => node.id === 'conv1').params.filters).toBe(12);
  });

  it('exports the design as a PyTorch module into the workspace', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    await page.click('[data-testid=export]');
    await page.click('[data-testid=menu-exportPytorch]');
    expect(await page.inputValue('[data-testid=file-name]')).toMatch(/_pytorch\.py$/);
    await chooseFileName(page, 'my_first.py');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('Exported');
    const source = readFileSync(join(studio().workspace, 'my_first.py'), 'utf8');
    expect(source).toContain('EXPECTED_TRAINABLE_PARAMS = 9896');
  });
});
