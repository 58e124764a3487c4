/** Opening a damaged graph file in the browser mode: the message names the file and the fault, and the backup is offered. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { chooseFileName, useStudio } from '../support/studio.ts';

const studio = useStudio();

describe('a damaged graph file', () => {
  it('is refused with what is wrong, and its backup opens in its place and saves over it', async () => {
    const { page, workspace } = studio();
    const file = join(workspace, 'net.json');
    copyFileSync(join(REPO, 'resources/journey/round-10.json'), `${file}.bak`);
    writeFileSync(file, readFileSync(`${file}.bak`, 'utf8').slice(0, 700));

    await page.click('[data-testid=welcome-open]');
    await chooseFileName(page, 'net.json');
    const dialog = page.locator('[data-testid=damaged-file]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${file} is not valid JSON (it ends early: the file looks truncated)`);
    expect(await dialog.textContent()).toContain(`is in ${file}.bak`);

    await dialog.locator('button', { hasText: 'Open the backup' }).click();
    await expect.poll(() => page.textContent('[data-testid=trainable]')).toBe('9,896');
    expect(await page.textContent('[data-testid=document-title]')).toMatch(/^• /);
    await page.click('[data-testid=save]');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain(`Saved ${file}`);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('Journey round 10: Learning-rate schedule');
  });
});
