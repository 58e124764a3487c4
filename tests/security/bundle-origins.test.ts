/**
 * Findings in a bundle are judged at their source lines: where the bundler drops the suppression
 * comment, the source map leads back to it. Builds one small fixture with Vite's SSR build, which
 * drops it; the shell's own build (esbuild, scripts/node-bundle.ts) keeps a comment written inside
 * an expression, as the shell's suppressions are, but not every comment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileBundleFindings } from '../../scripts/security/bundle-origins.ts';
import { scan, type Finding } from '../../scripts/security/electronegativity.ts';
import { REPO } from '../support/cli.ts';

const FIXTURE = 'tests/security/fixtures/suppressed-window/shell.ts';
const scanRoot = mkdtempSync(join(tmpdir(), 'bundle-origins-'));
let findings: Finding[];

beforeAll(async () => {
  await build({
    configFile: false,
    logLevel: 'silent',
    root: REPO,
    build: { ssr: true, target: 'node20', outDir: join(scanRoot, 'dist/electron'), sourcemap: true, rollupOptions: { input: { shell: join(REPO, FIXTURE) }, external: ['electron'] } },
  });
  ({ findings } = await scan({ input: scanRoot, electronVersion: '45.5.0', excludeChecks: ['AvailableSecurityFixesGlobalCheck'] }));
});
afterAll(() => rmSync(scanRoot, { recursive: true, force: true }));

describe('findings in the built shell', () => {
  it('lose their suppression comment in the bundle', () => {
    expect(readFileSync(join(scanRoot, 'dist/electron/shell.js'), 'utf8')).not.toContain('eng-disable');
    expect(findings.map((f) => `${f.check} ${f.file}`)).toEqual(expect.arrayContaining(['AUXCLICK_JS_CHECK dist/electron/shell.js', 'PRELOAD_JS_CHECK dist/electron/shell.js']));
  });

  it('are judged at their source line: the suppression there counts, the rest is reported there', () => {
    const result = reconcileBundleFindings(findings, scanRoot, 'dist/electron', REPO);
    expect(result.suppressedAtSource).toBe(1);
    expect(result.findings.find((f) => f.check === 'AUXCLICK_JS_CHECK')).toBeUndefined();
    const preload = result.findings.find((f) => f.check === 'PRELOAD_JS_CHECK')!;
    expect(`${preload.file}:${preload.line}`).toBe(`${FIXTURE}:10`);
    expect(preload.builtAt).toMatch(/^dist\/electron\/shell\.js:\d+:\d+$/);
  });

  it('are not reported twice when the sources gave the same finding on the same line', () => {
    const fromSource: Finding = { ...findings.find((f) => f.check === 'PRELOAD_JS_CHECK')!, file: FIXTURE, line: 10 };
    const result = reconcileBundleFindings([...findings, fromSource], scanRoot, 'dist/electron', REPO);
    expect(result.duplicates).toBe(1);
    expect(result.findings.filter((f) => f.check === 'PRELOAD_JS_CHECK')).toEqual([fromSource]);
  });
});
