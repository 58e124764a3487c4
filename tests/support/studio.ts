/**
 * The browser mode for end-to-end tests: the real server and engine on a free loopback port with
 * a scratch workspace, and Debian's Chromium driven by playwright-core.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createStudioService, type StudioServiceOptions } from '../../main/api/studio-service.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer, type WebServer } from '../../main/server/web-server.ts';
import { REPO } from './cli.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Studio {
  server: WebServer;
  workspace: string;
  token: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** The browser mode's engine over a scratch workspace, with the shipped presets. */
export function browserService(workspace: string, emitTrainingEvent: StudioServiceOptions['emitTrainingEvent'] = () => {}) {
  return createStudioService({
    kind: 'browser',
    workspace,
    runsRoot: join(workspace, 'runs'),
    resourcesDir: join(REPO, 'resources'),
    stateDir: join(workspace, '.state'),
    emitTrainingEvent,
  });
}

/** Debian's Chromium, headless, as the end-to-end tests drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A studio of its own: a server over a new scratch workspace and state folder, and a new page in
 * the given browser (one is launched when none is given, and closed with the studio).
 */
export async function startStudio(shared?: Browser): Promise<Studio> {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-e2e-'));
  const token = 'e2e-token-' + Math.random().toString(36).slice(2);
  let server: WebServer | undefined;
  const service = browserService(workspace, (runId, event) => server?.broadcast('trainingEvent', runId, event));
  server = await startWebServer({ host: '127.0.0.1', port: 0, token, staticDir: join(REPO, 'dist', 'renderer'), service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  const browser = shared ?? (await launchChromium());
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=open-gallery]:not([disabled])');
  return {
    server,
    workspace,
    token,
    browser,
    page,
    async close() {
      await page.close();
      service.dispose();
      if (!shared) await browser.close();
      await server!.close();
      rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
      if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    },
  };
}

/**
 * A fresh studio for every test of a file (its own workspace, state and page), so that each test
 * runs alone (`-t`) and in any order; Chromium is launched once per file. Call the getter inside
 * a test.
 */
export function useStudio(): () => Studio {
  let browser: Browser | undefined;
  let studio: Studio | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    studio = await startStudio(browser);
  }, 60_000);
  afterEach(async () => {
    const closing = studio;
    studio = undefined;
    await closing?.close();
  });
  return () => studio!;
}

/** Writes a graph document into the studio's workspace and opens it with the Open dialog, as a person would. */
export async function openDesign(studio: Studio, file: string, document: unknown): Promise<void> {
  writeFileSync(join(studio.workspace, file), JSON.stringify(document, null, 2));
  await studio.page.click('button:has-text("Open…")');
  await studio.page.fill('[data-testid=file-name]', file);
  await studio.page.click('.file-dialog button[type=submit]');
  await studio.page.waitForSelector('[data-testid^=block-]');
  await viewportSettled(studio.page);
}

export async function openPreset(page: Page, id: string): Promise<void> {
  await page.click('[data-testid=open-gallery]');
  await page.click(`[data-testid="preset-${id}"]`);
  await page.waitForSelector('[data-testid^=block-]');
}

/**
 * Waits until the canvas stops moving (zoom to fit animates): clicks during the animation can
 * land beside the block they aim at, more so on a busy machine.
 */
export async function viewportSettled(page: Page): Promise<void> {
  const transform = () => page.getAttribute('.svelte-flow__viewport', 'style');
  let previous = await transform();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const current = await transform();
    if (current === previous) return;
    previous = current;
  }
}

/** Where screenshots for the README go when SCREENSHOTS=1, and a scratch folder otherwise. */
export function screenshotPath(name: string): string {
  return process.env.SCREENSHOTS === '1' ? join(REPO, 'docs', name) : join(tmpdir(), name);
}
