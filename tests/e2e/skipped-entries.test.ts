/**
 * The browser mode over a workspace with bad entries: a link to nothing used to make the Open
 * dialog's listing fail as a whole and show no file at all, and a damaged run folder vanished
 * from the Runs view without a word. Now the good entries show, and each bad one is listed,
 * greyed, with why, and cannot be opened.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { showOpenDialog, useStudio } from '../support/studio.ts';

const studio = useStudio();

describe('the Open dialog', () => {
  it('lists the graph files and, greyed with the reason, the entries it skipped', async () => {
    const { page, workspace } = studio();
    copyFileSync(join(REPO, 'resources/journey/round-10.json'), join(workspace, 'round-10.json'));
    copyFileSync(join(REPO, 'resources/journey/round-03.json'), join(workspace, 'round-03.json'));
    symlinkSync(join(workspace, 'deleted.json'), join(workspace, 'dangling.json'));
    execFileSync('mkfifo', [join(workspace, 'pipe.json')]);
    mkdirSync(join(workspace, 'folder.json'));

    await showOpenDialog(page);
    const dialog = page.locator('[data-testid=file-dialog]');
    expect(await dialog.locator('.file-list button .file-name').allTextContents()).toEqual(expect.arrayContaining(['round-10.json', 'round-03.json']));
    const skipped = dialog.locator('[data-testid=skipped-file]');
    expect(await skipped.allTextContents()).toEqual([
      'dangling.json skipped: a symbolic link to something that does not exist',
      'folder.json skipped: a folder, not a graph file',
      'pipe.json skipped: a FIFO (named pipe), not a graph file',
    ]);
    // Greyed and not a button: nothing to click.
    expect(await skipped.first().locator('button').count()).toBe(0);
    expect(Number(await skipped.first().evaluate((element) => getComputedStyle(element).opacity))).toBeLessThan(1);

    await dialog.locator('button.file-entry', { hasText: 'round-10.json' }).click();
    await expect.poll(() => page.textContent('[data-testid=trainable]')).toBe('9,896');
  });
});

describe('the Runs view', () => {
  it('lists the entries of the runs folder that are not readable runs, with why', async () => {
    const { page, workspace } = studio();
    mkdirSync(join(workspace, 'runs', 'damaged'), { recursive: true });
    writeFileSync(join(workspace, 'runs', 'damaged', 'run.json'), '{"status": "finished", "name": ');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=view-runs]');
    const skipped = page.locator('[data-testid=skipped-runs]');
    await skipped.waitFor();
    expect(await skipped.locator('summary').textContent()).toBe('1 entry of the runs folder skipped');
    await skipped.locator('summary').click();
    expect(await skipped.locator('li').textContent()).toBe(
      `${join(workspace, 'runs', 'damaged')}: ${join(workspace, 'runs', 'damaged', 'run.json')} is not valid JSON (it ends early: the file looks truncated): line 1, column 32: a value was expected`,
    );
  });
});
