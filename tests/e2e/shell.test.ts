/**
 * The shell around the canvas in Chromium, at a 13" laptop's 1280×720 and at 1440×900: the
 * welcome, the toolbar in one row, dialogs that take the focus and close with Escape, the keyboard
 * in text fields, right-click menus from the registry of actions, side panels, the theme, the
 * model's name, exports per format and imported files. Each test sets up the state it needs;
 * after each, the page must not have warned or logged an error (tests/support/studio.ts).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { chooseFileName, openPreset, openWelcome, startEmpty, useStudio, VIEWPORTS, viewportSettled } from '../support/studio.ts';

/** The element that has the focus: its test id, or the test id of the dialog or menu it is in. */
const focusInside = (page: Page, selector: string) => page.evaluate((s) => document.querySelector(s)?.contains(document.activeElement) ?? false, selector);

/** The tops and bottoms of everything shown in the toolbar: one row when they all sit within the bar. */
async function toolbarRows(page: Page) {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-testid=toolbar]')!.getBoundingClientRect();
    const items = Array.from(document.querySelectorAll('[data-testid=toolbar] > *, [data-testid=toolbar] .tools > *'))
      .map((element) => element.getBoundingClientRect())
      .filter((box) => box.width > 0);
    // One row: a horizontal line crosses every item, and nothing sticks out of the bar.
    const oneRow = Math.max(...items.map((box) => box.top)) < Math.min(...items.map((box) => box.bottom));
    return { barHeight: bar.height, outside: items.filter((box) => box.top < bar.top || box.bottom > bar.bottom || box.right > bar.right + 0.5).length, oneRow };
  });
}

describe.each(VIEWPORTS)('the shell at $width×$height', (viewport) => {
  const studio = useStudio({ viewport });

  it('welcomes a first launch with the gallery, and opens round 10 from it', async () => {
    const { page } = studio();
    const welcome = page.locator('[data-testid=welcome]');
    expect(await welcome.isVisible()).toBe(true);
    expect(await focusInside(page, '[data-testid=welcome]')).toBe(true);
    expect(await welcome.locator('[data-testid^=preset-journey]').count()).toBe(11);
    expect(await welcome.locator('[data-testid="preset-journey/round-10"]').textContent()).toMatch(/Round 10.*Learning-rate schedule.*9\.9K params.*1\.3M MACs.*30 blocks/);
    await page.click('[data-testid="preset-journey/round-10"]');
    await welcome.waitFor({ state: 'detached' });
    await expect.poll(() => page.textContent('[data-testid=trainable]')).toBe('9,896');
    expect(await page.textContent('[data-testid=document-title]')).toBe('Journey round 10: Learning-rate schedule');
  });

  it('shows a hint, not red problems, on an empty canvas', async () => {
    const { page } = studio();
    await startEmpty(page);
    expect(await page.textContent('[data-testid=canvas-hint]')).toContain('Drag an Input block');
    expect(await page.locator('[data-testid=problems] li.error').count()).toBe(0);
    expect(await page.locator('[data-testid=problems-empty]').count()).toBe(1);
  });

  it('keeps the toolbar in one row, with a long recent path, Recent listing file names with their paths as tooltips', async () => {
    const { page, workspace } = studio();
    const folder = join(workspace, 'experiments', 'a-rather-long-folder-name-for-the-mnist-experiments-of-this-week', 'round-eleven-with-a-longer-schedule');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'journey-round-11-with-a-very-long-and-descriptive-file-name.json');
    copyFileSync(join(REPO, 'resources/journey/round-10.json'), file);
    await openWelcome(page);
    await page.click('[data-testid=welcome-open]');
    await chooseFileName(page, file.slice(workspace.length + 1));
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('Opened');

    expect(await toolbarRows(page)).toEqual({ barHeight: 44, outside: 0, oneRow: true });
    // Recent is in the toolbar when it fits, in More otherwise.
    await page.click((await page.isVisible('[data-testid=recent]')) ? '[data-testid=recent]' : '[data-testid=more]');
    const entry = page.locator('[data-testid=recent-file]').first();
    expect(await entry.textContent()).toContain('journey-round-11-with-a-very-long-and-descriptive-file-name.json');
    expect(await entry.textContent()).not.toContain('experiments');
    expect(await entry.getAttribute('title')).toBe(file);
    await page.keyboard.press('Escape');
    expect(await page.locator('[role=menu]').count()).toBe(0);
  });

  it('moves what does not fit into More instead of wrapping, and brings it back when there is room', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    await page.setViewportSize({ width: 900, height: viewport.height });
    await expect.poll(async () => (await toolbarRows(page)).outside).toBe(0);
    expect((await toolbarRows(page)).oneRow).toBe(true);
    expect(await page.isVisible('[data-testid=fit]')).toBe(false);
    await page.click('[data-testid=more]');
    expect(await page.isVisible('[data-testid=more-menu] [data-testid=menu-zoomToFit]')).toBe(true);
    await page.keyboard.press('Escape');
    await page.setViewportSize(viewport);
    await expect.poll(() => page.isVisible('[data-testid=fit]')).toBe(true);
  });

  it('gives every dialog the focus and closes it with Escape', async () => {
    const { page, workspace } = studio();
    writeFileSync(join(workspace, 'earlier_pytorch.py'), '# an earlier export\n');
    await openPreset(page, 'journey/round-10');
    await page.click('[data-testid=block-conv1]');
    await page.fill('[data-testid=field-filters]', '12');

    // The welcome, from New.
    await page.click('[data-testid=new]');
    await page.waitForSelector('[data-testid=welcome]');
    expect(await focusInside(page, '[data-testid=welcome]')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=welcome]', { state: 'detached' });

    // Discard unsaved changes? (an in-app question, not confirm()), from Open.
    await page.click('[data-testid=open]');
    const discard = page.locator('[data-testid=discard-changes]');
    await discard.waitFor();
    expect(await discard.textContent()).toContain('"Journey round 10: Learning-rate schedule" has changes that are not saved');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep editing');
    await page.keyboard.press('Escape');
    await discard.waitFor({ state: 'detached' });
    expect(await page.textContent('[data-testid=trainable]')).not.toBe('9,896');

    // Save as: the file name has the focus.
    await page.keyboard.press('Control+Shift+S');
    await page.waitForSelector('[data-testid=file-dialog]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-name');
    expect(await page.textContent('[data-testid=file-dialog] h2')).toBe('Save the graph as');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=file-dialog]', { state: 'detached' });

    // Export as PyTorch: its own title and extension, and the PyTorch files already there.
    await page.click('[data-testid=export]');
    await page.click('[data-testid=menu-exportPytorch]');
    const dialog = page.locator('[data-testid=file-dialog]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Export as PyTorch');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-name');
    expect(await page.inputValue('[data-testid=file-name]')).toBe('journey_round_10_learning_rate_schedule_pytorch.py');
    expect(await dialog.locator('.file-list').textContent()).toContain('earlier_pytorch.py');
    expect(await dialog.locator('.file-list').textContent()).not.toMatch(/\.json|No graph files/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // A right-click menu.
    await page.click('[data-testid=block-conv1]', { button: 'right' });
    await page.waitForSelector('[data-testid=context-menu]');
    expect(await focusInside(page, '[data-testid=context-menu]')).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=context-menu]').count()).toBe(0);
  });

  it('undoes the text typed in an inspector field with Ctrl+Z, not a step of the graph', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    const blocks = page.locator('[data-testid^=block-]');
    const count = await blocks.count();
    await page.click('[data-testid=block-dropout1]');
    await page.keyboard.press('Delete');
    await expect.poll(() => blocks.count()).toBe(count - 1);

    await page.click('[data-testid=block-conv1]');
    const name = page.locator('[data-testid=inspector-label]');
    await name.click();
    await page.keyboard.press('End');
    await page.keyboard.type('xyz');
    expect(await name.inputValue()).toBe('conv1xyz');
    await page.keyboard.press('Control+z');
    expect(await name.inputValue()).toBe('conv1');
    // The deleted block stays deleted: the graph was not undone.
    expect(await blocks.count()).toBe(count - 1);
    // Outside the field, Ctrl+Z is the graph's again.
    await page.click('.svelte-flow__pane', { position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => blocks.count()).toBe(count);
  });

  it('offers the registry’s actions in right-click menus, chosen from the keyboard', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    await viewportSettled(page);
    const blocks = page.locator('[data-testid^=block-]');
    const count = await blocks.count();
    await page.click('[data-testid=block-conv2]', { button: 'right' });
    const menu = page.locator('[data-testid=context-menu]');
    await menu.waitFor();
    expect(await menu.locator('.menu-label').allTextContents()).toEqual(['Cut', 'Copy', 'Duplicate', 'Delete', 'Delete without reconnecting', 'Rename', 'Group', 'Ungroup', 'Collapse or expand group']);
    expect(await menu.locator('.menu-shortcut').allTextContents()).toEqual(['Ctrl+X', 'Ctrl+C', 'Ctrl+D', 'Del', 'Shift+Del', 'F2', 'Ctrl+G', 'Ctrl+Shift+G']);
    // Down twice from Cut is Duplicate.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => blocks.count()).toBe(count + 1);
    expect(await menu.count()).toBe(0);

    // From the keyboard: Shift+F10 opens the menu of the selection (the new copy).
    await page.click('.svelte-flow__node.selected');
    await page.keyboard.press('Shift+F10');
    await menu.waitFor();
    expect(await menu.locator('.menu-label').first().textContent()).toBe('Cut');
    await page.keyboard.press('Escape');

    await page.click('.svelte-flow__pane', { button: 'right', position: { x: 40, y: 40 } });
    await menu.waitFor();
    expect(await menu.locator('[data-testid=context-undo]').isEnabled()).toBe(true);
    expect(await menu.locator('[data-testid=context-paste]').isEnabled()).toBe(false);
    await menu.locator('[data-testid=context-undo]').click();
    await expect.poll(() => blocks.count()).toBe(count);
  });

  it('follows the system’s dark mode, and keeps a theme chosen over it', async () => {
    const { page } = studio();
    const theme = () => page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.documentElement).backgroundColor]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toEqual(['dark', 'rgb(14, 16, 20)']);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toEqual(['light', 'rgb(243, 244, 246)']);

    await page.keyboard.press('Escape');
    await page.click('[data-testid=theme]');
    await page.click('[data-testid=theme-dark]');
    await expect.poll(theme).toEqual(['dark', 'rgb(14, 16, 20)']);
    await page.reload();
    await page.waitForSelector('[data-testid=welcome]');
    expect(await theme()).toEqual(['dark', 'rgb(14, 16, 20)']);
    await page.keyboard.press('Escape');
    await page.click('[data-testid=theme]');
    await page.click('[data-testid=theme-system]');
    await expect.poll(theme).toEqual(['light', 'rgb(243, 244, 246)']);
  });

  it('resizes and hides the side panels, and remembers them', async () => {
    const { page } = studio();
    await openPreset(page, 'journey/round-10');
    const width = () => page.evaluate(() => document.querySelector('[data-testid=palette-panel]')!.getBoundingClientRect().width);
    const before = await width();
    const splitter = (await page.locator('[data-testid=palette-splitter]').boundingBox())!;
    await page.mouse.move(splitter.x + 2, splitter.y + 100);
    await page.mouse.down();
    await page.mouse.move(splitter.x + 62, splitter.y + 100, { steps: 5 });
    await page.mouse.up();
    await expect.poll(width).toBeCloseTo(before + 60, 0);
    await page.click('[data-testid=side-collapse]');
    expect(await page.locator('[data-testid=side-panel]').count()).toBe(0);

    await page.reload();
    await page.waitForSelector('[data-testid=welcome]');
    await page.keyboard.press('Escape');
    expect(await width()).toBeCloseTo(before + 60, 0);
    expect(await page.locator('[data-testid=side-rail]').count()).toBe(1);
    await page.keyboard.press('Control+Alt+b');
    await page.waitForSelector('[data-testid=side-panel]');
    // Put things back for the next test.
    await page.focus('[data-testid=palette-splitter]');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(width).toBeCloseTo(before, 0);
  });

  it('renames the model from its title, and names an untitled design after the file it is saved to', async () => {
    const { page, workspace } = studio();
    await startEmpty(page);
    await page.dragAndDrop('[data-testid=palette-input]', '.svelte-flow__pane', { targetPosition: { x: 300, y: 150 } });
    await page.click('[data-testid=save]');
    await chooseFileName(page, `my-mnist-${viewport.width}.json`);
    await expect.poll(() => page.textContent('[data-testid=document-title]')).toBe(`my-mnist-${viewport.width}`);
    expect(JSON.parse(readFileSync(join(workspace, `my-mnist-${viewport.width}.json`), 'utf8')).name).toBe(`my-mnist-${viewport.width}`);

    await page.click('[data-testid=document-title]');
    await page.fill('[data-testid=model-name]', '');
    expect(await page.textContent('.title-error')).toBe('the model needs a name');
    await page.fill('[data-testid=model-name]', 'Small MNIST net');
    await page.keyboard.press('Enter');
    expect(await page.textContent('[data-testid=document-title]')).toBe('• Small MNIST net');
    await page.click('[data-testid=save]');
    await expect.poll(() => page.textContent('[data-testid=document-title]')).toBe('Small MNIST net');
    expect(JSON.parse(readFileSync(join(workspace, `my-mnist-${viewport.width}.json`), 'utf8')).name).toBe('Small MNIST net');
    expect(await page.title()).toBe('Small MNIST net — CNN Studio');
  });

  it('never saves over an imported Keras file: Save asks for a new name beside it', async () => {
    const { page, workspace } = studio();
    const keras = join(workspace, `keras-${viewport.width}.json`);
    copyFileSync(join(REPO, 'tests/fixtures/keras/keras2-sequential-round07.json'), keras);
    const original = readFileSync(keras, 'utf8');
    await openWelcome(page);
    await page.click('[data-testid=welcome-open]');
    await chooseFileName(page, `keras-${viewport.width}.json`);
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain('a Keras model file');
    await page.locator('.block[data-type=conv2d]').first().click();
    await page.fill('[data-testid=field-filters]', '12');
    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=file-dialog]');
    const suggested = await page.inputValue('[data-testid=file-name]');
    expect(suggested).toMatch(/\.json$/);
    expect(suggested).not.toBe(`keras-${viewport.width}.json`);
    await page.click('[data-testid=file-dialog] button[type=submit]');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain(`Saved ${join(workspace, suggested)}`);
    expect(readFileSync(keras, 'utf8')).toBe(original);
    expect(JSON.parse(readFileSync(join(workspace, suggested), 'utf8')).format).toBe('cnn-studio/graph');
  });
});
