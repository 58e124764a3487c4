/**
 * The browser mode for end-to-end tests: the real server and engine on a free loopback port with
 * a scratch workspace, and Debian's Chromium driven by playwright-core.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
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

export async function startStudio(): Promise<Studio> {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-e2e-'));
  const token = 'e2e-token-' + Math.random().toString(36).slice(2);
  let server: WebServer | undefined;
  const service = browserService(workspace, (runId, event) => server?.broadcast('trainingEvent', runId, event));
  server = await startWebServer({ host: '127.0.0.1', port: 0, token, staticDir: join(REPO, 'dist', 'renderer'), service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
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
      service.dispose();
      await browser.close();
      await server!.close();
      if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    },
  };
}

/** One studio for a test file: started before its tests, closed after; call the getter inside a test. */
export function useStudio(): () => Studio {
  let studio: Studio | undefined;
  beforeAll(async () => {
    studio = await startStudio();
  }, 60_000);
  afterAll(async () => {
    await studio?.close();
  });
  return () => studio!;
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
