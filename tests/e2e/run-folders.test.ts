/**
 * Run folders in the browser mode, with `npm run web` as a process of its own: a running run
 * cannot be deleted (the button is off, and the server refuses a page that asks anyway); a run
 * whose folder is deleted on disk stops and says so, leaving no half folder; a run without a saved
 * model offers no Evaluate or Export and says why; a diverged run says so; and a run folder called
 * `constructor` is compared like any other.
 */
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runFolderGoneMessage } from '../../main/runs/run-folder-watch.ts';
import { CHROMIUM, openPreset, waitForStart, watchConsole } from '../support/studio.ts';
import { webProcess, type WebProcess } from '../support/restartable-web-process.ts';

let browser: Browser;
let server: WebProcess;
let url: URL;
let page: Page;
let consoleProblems: string[];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  server = await webProcess();
  url = new URL(await server.start());
  page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  consoleProblems = watchConsole(page);
  await page.goto(url.href);
  await waitForStart(page);
}, 60_000);

afterEach(() => {
  expect(consoleProblems.splice(0), 'the page warned, logged an error or threw').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
});

const runsFolder = () => join(server.workspace, 'runs');
const runFolders = () => (existsSync(runsFolder()) ? readdirSync(runsFolder()) : []);

/**
 * Round 10 in the training panel with these settings, started; resolves once its first progress
 * shows. Opening it again after a run discards the panel's edits of the last one (openPreset
 * answers), and an opened design shows in the Design view, whichever view was on.
 */
async function train(settings: Record<string, string>, waitFor: 'progress' | 'end' = 'progress') {
  await openPreset(page, 'journey/round-10');
  await page.click('[data-testid=view-train]');
  await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
  for (const [key, value] of Object.entries(settings)) await page.fill(`[data-testid=train-${key}]`, value);
  const before = new Set(runFolders());
  await page.click('[data-testid=train-start]');
  if (waitFor === 'progress') await page.waitForSelector('[data-testid=train-progress]', { timeout: 60_000 });
  else await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 60_000 }).not.toMatch(/^(starting|running)$/);
  await expect.poll(() => runFolders().filter((name) => !before.has(name)).length).toBe(1);
  return runFolders().find((name) => !before.has(name))!;
}

async function showRuns() {
  await page.click('[data-testid=view-runs]');
  await page.click('[data-testid=runs-refresh]');
}

/** The row's "More for this run" menu, opened; its items are run-rename, run-export, run-delete… */
async function rowMenu(row: Locator): Promise<Locator> {
  await row.locator('[data-testid=run-actions]').click();
  const menu = row.locator('[data-testid=run-actions-menu]');
  await menu.waitFor();
  return menu;
}

async function closeMenu(menu: Locator): Promise<void> {
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
}

/**
 * A call as any page holding the token could send it, straight to the server; resolves with its
 * answer (the training events the server sends every socket meanwhile are passed over).
 */
function callServer(call: string, args: unknown[]): Promise<{ result?: unknown; error?: { message: string } }> {
  const socket = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, { origin: url.origin });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, call, args })));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== 1) return;
      socket.close();
      resolve(message);
    });
  });
}

describe('run folders in the browser mode', () => {
  it('refuses to delete a running run, and stops a run whose folder is deleted on disk without writing it back', async () => {
    const id = await train({ epochs: '50', batchSize: '32', limit: '2048' });
    await showRuns();
    const row = page.locator('[data-testid=run-row][data-status=running]');
    await expect.poll(() => row.count()).toBe(1);
    const menu = await rowMenu(row);
    expect(await menu.locator('[data-testid=run-delete]').isDisabled()).toBe(true);
    expect(await menu.locator('[data-testid=run-delete]').getAttribute('title')).toBe('Stop the run before deleting it');
    await closeMenu(menu);
    const refused = await callServer('deleteRun', [id]);
    expect(refused.error?.message).toBe('the run "Journey round 10: Learning-rate schedule" is still training; stop it before deleting it');
    expect(runFolders()).toContain(id);

    const dir = join(runsFolder(), id);
    rmSync(dir, { recursive: true });
    await page.click('[data-testid=view-train]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 10_000 }).toBe('failed');
    expect(await page.textContent('[data-testid=train-status]')).toBe(runFolderGoneMessage(dir));
    // Anything still in flight has had time to land, and nothing brought the folder back.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runFolders()).not.toContain(id);
  }, 120_000);

  it('offers no Evaluate or Export for a run stopped before its first epoch ended, and says why', async () => {
    await train({ epochs: '5', batchSize: '32', limit: '4096' });
    await page.click('[data-testid=train-stop]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 10_000 }).toBe('cancelled');
    await showRuns();
    const row = page.locator('[data-testid=run-row][data-status=cancelled]');
    await expect.poll(() => row.count()).toBe(1);
    const menu = await rowMenu(row);
    for (const button of [row.locator('[data-testid=run-evaluate]'), menu.locator('[data-testid=run-export]')]) {
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toBe('No saved model: it was cancelled before epoch 1 ended');
    }
    expect(await menu.locator('[data-testid=run-delete]').isEnabled()).toBe(true);
    await closeMenu(menu);
  }, 120_000);

  it('says a run diverged, where, and what to do, in the panel and in the runs view', async () => {
    await train({ epochs: '3', batchSize: '32', limit: '128', learningRate: '1e30' }, 'end');
    expect(await page.getAttribute('[data-testid=train-status]', 'data-status')).toBe('diverged');
    // Round 10's training loss is the first to become NaN (the batch depends on the threads).
    const said = (await page.textContent('[data-testid=train-status]'))!.replace(/^Diverged: /, '');
    expect(said).toMatch(/^the training loss in epoch 1, batch \d of 4, became NaN at learning rate 1e\+30; lower the learning rate \(try 1e\+29\) and train again$/);
    await showRuns();
    const row = page.locator('[data-testid=run-row][data-status=diverged]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('(diverged)');
    expect(await row.locator('[data-testid=run-error]').textContent()).toBe(said);
  }, 120_000);

  it('compares a run whose folder is called "constructor" like any other', async () => {
    const id = await train({ epochs: '1', batchSize: '32', limit: '128' }, 'end');
    cpSync(join(runsFolder(), id), join(runsFolder(), 'constructor'), { recursive: true });
    rmSync(join(runsFolder(), id), { recursive: true });
    await showRuns();
    const row = page.locator('[data-testid=run-row]', { has: page.locator('td[title=constructor]') });
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('input[type=checkbox]').check();
    await expect.poll(() => page.getAttribute('[data-testid=chart-compare-test]', 'data-points').then(Number), { timeout: 10_000 }).toBe(1);
  }, 120_000);
});
