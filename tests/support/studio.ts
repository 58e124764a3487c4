/**
 * The browser mode for end-to-end tests: the real server and engine on a free loopback port with
 * a scratch workspace, and Debian's Chromium driven by playwright-core. Every page is watched:
 * a warning or an error on its console, or an uncaught exception, fails the test that caused it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
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
  /** Console warnings and errors and uncaught exceptions of the page so far. */
  consoleProblems: string[];
  close(): Promise<void>;
}

/** The window sizes the studio is checked at: a 13" laptop and a common desktop. */
export const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

export interface StudioOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
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
 * Collects what a page says on its console at the warning or error level, and what it throws:
 * the studio should say nothing there while it is used.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/**
 * A studio of its own: a server over a new scratch workspace and state folder, and a new page in
 * the given browser (one is launched when none is given, and closed with the studio), at the
 * window size and colour scheme asked for (1440×900, light by default).
 */
export async function startStudio(options: StudioOptions = {}, shared?: Browser): Promise<Studio> {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-e2e-'));
  const token = 'e2e-token-' + Math.random().toString(36).slice(2);
  let server: WebServer | undefined;
  const service = browserService(workspace, (runId, event) => server?.broadcast('trainingEvent', runId, event));
  server = await startWebServer({ host: '127.0.0.1', port: 0, token, staticDir: join(REPO, 'dist', 'renderer'), service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  const browser = shared ?? (await launchChromium());
  const page = await browser.newPage({ viewport: options.viewport ?? VIEWPORTS[1], colorScheme: options.colorScheme ?? 'light' });
  const consoleProblems = watchConsole(page);
  await page.goto(server.url);
  await waitForStart(page);
  return {
    server,
    workspace,
    token,
    browser,
    page,
    consoleProblems,
    async close() {
      await page.close();
      service.dispose();
      if (!shared) await browser.close();
      await server!.close();
      rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * A fresh studio for every test of a file (its own workspace, state and page), so that each test
 * runs alone (`-t`) and in any order; Chromium is launched once per file. Call the getter inside
 * a test. After each test, the page must not have warned, logged an error or thrown.
 */
export function useStudio(options: StudioOptions = {}): () => Studio {
  let browser: Browser | undefined;
  let studio: Studio | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    studio = await startStudio(options, browser);
  }, 60_000);
  afterEach(async () => {
    const closing = studio;
    studio = undefined;
    if (!closing) return;
    const problems = closing.consoleProblems.splice(0);
    await closing.close();
    expect(problems, 'the page warned, logged an error or threw').toEqual([]);
  });
  return () => studio!;
}

/** The studio is up: the welcome of a first launch is shown and its buttons work. */
export async function waitForStart(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=welcome]');
  await page.waitForSelector('[data-testid=new]:not([disabled])');
}

/** Opens the welcome (New), unless it is open already. */
export async function openWelcome(page: Page): Promise<void> {
  if ((await page.locator('[data-testid=welcome]').count()) === 0) await page.click('[data-testid=new]');
  await page.waitForSelector('[data-testid=welcome]');
}

/** Answers "Discard unsaved changes?" with Discard, if it is asked. */
async function discardIfAsked(page: Page, done: string): Promise<void> {
  const discard = page.locator('[data-testid=discard-changes] button', { hasText: 'Discard changes' });
  await page.waitForSelector(`[data-testid=discard-changes], ${done}`);
  if ((await discard.count()) > 0) await discard.click();
}

export async function openPreset(page: Page, id: string): Promise<void> {
  await openWelcome(page);
  await page.click(`[data-testid="preset-${id}"]`);
  await discardIfAsked(page, '[data-testid^=block-]');
  await page.waitForSelector('[data-testid=welcome]', { state: 'detached' });
  await page.waitForSelector('[data-testid^=block-]');
}

/** New → Empty design, discarding what is open. */
export async function startEmpty(page: Page): Promise<void> {
  await openWelcome(page);
  await page.click('[data-testid=start-empty]');
  await discardIfAsked(page, '[data-testid=canvas-hint]');
  await page.waitForSelector('[data-testid=canvas-hint]');
}

/** Chooses a file in the in-app file dialog of the browser mode. */
export async function chooseFileName(page: Page, name: string): Promise<void> {
  await page.fill('[data-testid=file-dialog] [data-testid=file-name]', name);
  await page.click('[data-testid=file-dialog] button[type=submit]');
}

/** Opens the Open dialog: from the welcome when it is shown, from the toolbar otherwise. */
export async function showOpenDialog(page: Page): Promise<void> {
  if ((await page.locator('[data-testid=welcome]').count()) > 0) await page.click('[data-testid=welcome-open]');
  else {
    await page.click('[data-testid=open]');
    await discardIfAsked(page, '[data-testid=file-dialog]');
  }
  await page.waitForSelector('[data-testid=file-dialog]');
}

/** Writes a graph document into the studio's workspace and opens it with the Open dialog, as a person would. */
export async function openDesign(studio: Studio, file: string, document: unknown): Promise<void> {
  writeFileSync(join(studio.workspace, file), JSON.stringify(document, null, 2));
  await showOpenDialog(studio.page);
  await chooseFileName(studio.page, file);
  await studio.page.waitForSelector('[data-testid^=block-]');
  await viewportSettled(studio.page);
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
