/**
 * The browser mode's Open dialog over a workspace with bad entries: a link to nothing used to
 * make the listing fail as a whole and the dialog show no file at all. Now the graph files show,
 * and each bad entry is listed greyed, with why, and cannot be opened.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { useStudio } from '../support/studio.ts';

const studio = useStudio();

describe('the Open dialog', () => {
  it('lists the graph files and, greyed with the reason, the entries it skipped', async () => {
    const { page, workspace } = studio();
    copyFileSync(join(REPO, 'resources/journey/round-10.json'), join(workspace, 'round-10.json'));
    copyFileSync(join(REPO, 'resources/journey/round-03.json'), join(workspace, 'round-03.json'));
    symlinkSync(join(workspace, 'deleted.json'), join(workspace, 'dangling.json'));
    execFileSync('mkfifo', [join(workspace, 'pipe.json')]);
    mkdirSync(join(workspace, 'folder.json'));

    await page.click('button:has-text("Open…")');
    const dialog = page.locator('.file-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('.file-list button.link').allTextContents()).toEqual(expect.arrayContaining(['round-10.json', 'round-03.json']));
    const skipped = dialog.locator('[data-testid=skipped-file]');
    expect(await skipped.allTextContents()).toEqual([
      'dangling.json skipped: a symbolic link to something that does not exist',
      'folder.json skipped: a folder, not a graph file',
      'pipe.json skipped: a FIFO (named pipe), not a graph file',
    ]);
    // Greyed and not a button: nothing to click.
    expect(await skipped.first().locator('button').count()).toBe(0);
    expect(Number(await skipped.first().evaluate((element) => getComputedStyle(element).opacity))).toBeLessThan(1);

    await dialog.locator('button.link', { hasText: 'round-10.json' }).click();
    await expect.poll(() => page.textContent('[data-testid=trainable]')).toBe('9,896');
  });
});
