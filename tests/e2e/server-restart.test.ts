/**
 * The browser mode's server dies while the page trains: `npm run web` is a process of its own
 * here, SIGKILLed mid-run. The page says the engine is gone within 2 seconds, Stop can no longer be
 * pressed, and once the server is started again on the same port the page reconnects by itself
 * (the token is kept between starts) and shows the run as interrupted. It used to keep showing a
 * moving run with a Stop button that did nothing.
 */
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../main/runs/run-history.ts';
import { CHROMIUM, openPreset, waitForStart, watchConsole } from '../support/studio.ts';
import { webProcess, type WebProcess } from '../support/restartable-web-process.ts';

let browser: Browser;
let server: WebProcess;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  server = await webProcess();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill();
});

describe('the server dying under a training page', () => {
  it('shows the engine gone within 2 s, reconnects when it is back, and shows the run as interrupted', async () => {
    const url = await server.start();
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(url);
    await waitForStart(page);
    await openPreset(page, 'journey/round-10');
    await page.click('[data-testid=view-train]');
    await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
    await page.fill('[data-testid=train-epochs]', '50');
    await page.fill('[data-testid=train-limit]', '2048');
    await page.click('[data-testid=train-start]');
    await page.waitForSelector('[data-testid=train-progress]', { timeout: 60_000 });
    expect(await page.isEnabled('[data-testid=train-stop]')).toBe(true);

    await server.kill();
    const killedAt = Date.now();
    await page.waitForSelector('[data-testid=engine-gone]', { timeout: 2000 });
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(await page.getAttribute('[data-testid=train-status]', 'data-status')).toBe('disconnected');
    expect(await page.isDisabled('[data-testid=train-stop]')).toBe(true);

    // Started again as a user would: same port, same state folder, so the same address.
    expect(await server.start()).toBe(url);
    await page.waitForSelector('[data-testid=engine-gone]', { state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 10_000 }).toBe('interrupted');
    expect(await page.textContent('[data-testid=train-status]')).toMatch(/^Interrupted: /);
    expect(await page.isEnabled('[data-testid=train-start]')).toBe(true);

    // The run's folder agrees: its training process saw its server go and recorded the interruption.
    const runs = await listRuns(join(server.workspace, 'runs'));
    expect(runs.map((run) => run.status)).toEqual(['interrupted']);
    // The page works again: a call after the restart answers.
    await page.click('[data-testid=view-runs]');
    await expect.poll(() => page.locator('[data-testid=run-row][data-status=interrupted]').count(), { timeout: 10_000 }).toBe(1);
    // Chromium itself logs each refused reconnection attempt while the server is down; the page says nothing else.
    expect(problems.filter((problem) => !/WebSocket connection to '.*' failed/.test(problem))).toEqual([]);
    await page.close();
  }, 180_000);
});
