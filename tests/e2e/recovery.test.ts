/**
 * Killing the studio while editing: the browser-mode server is a real process here, SIGKILLed
 * after an unsaved edit, then started again over the same workspace. The edit comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { chooseFileName, CHROMIUM, openPreset, waitForStart, watchConsole } from '../support/studio.ts';

const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-e2e-recovery-'));
const stateDir = join(workspace, '.state');
let browser: Browser;
let server: ChildProcess | undefined;

/** Starts `npm run web`'s entry point as its own process and returns the address it prints. */
async function startServer(): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/web-main.ts'), '--port', '0', '--workspace', workspace, '--state-dir', stateDir, '--no-open'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    server!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    server!.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
  });
}

async function killServer(): Promise<void> {
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server!.kill('SIGKILL');
  await exited;
}

async function openStudio(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchConsole(page);
  await page.goto(url);
  return { page, problems };
}

const recoveryFiles = () => (existsSync(join(stateDir, 'recovery')) ? readdirSync(join(stateDir, 'recovery')).filter((name) => name.endsWith('.json')) : []);

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGKILL');
});

describe('killing the studio during editing', () => {
  it('offers the unsaved edit back after a restart, and forgets it once saved', async () => {
    const { page: before, problems: beforeProblems } = await openStudio(await startServer());
    await waitForStart(before);
    await openPreset(before, 'journey/round-10');
    await before.click('[data-testid=block-conv1]');
    await before.fill('[data-testid=field-filters]', '12');
    await expect.poll(() => before.textContent('[data-testid=trainable]')).not.toBe('9,896');
    const edited = await before.textContent('[data-testid=trainable]');
    // The edit reaches the recovery file within a few seconds, with no save.
    await expect.poll(recoveryFiles, { timeout: 10_000 }).toHaveLength(1);
    await killServer();
    expect(beforeProblems).toEqual([]);
    await before.close();

    const { page: after, problems } = await openStudio(await startServer());
    const offer = after.locator('[data-testid=recovery-offer]');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('unsaved changes to "Journey round 10');
    await offer.locator('button', { hasText: 'Restore' }).click();
    expect(await after.textContent('[data-testid=trainable]')).toBe(edited);
    expect(await after.textContent('[data-testid=document-title]')).toMatch(/^• /);

    await after.click('[data-testid=save]');
    await chooseFileName(after, 'recovered.json');
    await expect.poll(() => after.textContent('[data-testid=notice]')).toContain('Saved');
    await expect.poll(recoveryFiles).toHaveLength(0);
    expect(problems).toEqual([]);
    await after.close();
    await killServer();
  }, 90_000);
});
