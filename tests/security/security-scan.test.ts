/**
 * The security gate cannot pass silently: `npm run security`'s script fails on a known-bad shell,
 * fails when it scans nothing, and its verdict is pinned case by case.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan, type Finding, type ScanOutcome } from '../../scripts/security/electronegativity.ts';
import { findSuppressions, judge } from '../../scripts/security/report.ts';
import { REPO, type CliResult } from '../support/cli.ts';

function runScan(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/security-scan.ts', ...args], { cwd: REPO, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('the security scan script', () => {
  it('fails with 1 on a window with Node.js integration and no context isolation, naming check, file and line', async () => {
    const result = await runScan(['--input', 'tests/security/fixtures/insecure-window']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL HIGH +FIRM +CONTEXT_ISOLATION_JS_CHECK {2}main\.js:8:\d+ {2}Review the use of the contextIsolation option/);
    expect(result.stdout).toMatch(/FAIL INFORMATIONAL +FIRM +NODE_INTEGRATION_JS_CHECK {2}main\.js:7:\d+/);
    expect(result.stdout).toMatch(/FAIL MEDIUM +FIRM +SANDBOX_JS_CHECK {2}main\.js:5:\d+/);
    expect(result.stdout).toContain('Security scan FAILED');
  });

  it('never reaches the network: the scanner gets a `got` that fails at once', async () => {
    const { findings } = await scan({ input: join(REPO, 'tests/security/fixtures/insecure-window'), electronVersion: '45.5.0', excludeChecks: ['AvailableSecurityFixesGlobalCheck'] });
    expect(findings.length).toBeGreaterThan(0);
    const scannerRequire = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity'));
    const got = scannerRequire('got') as (url: string) => Promise<unknown>;
    // Unstubbed, the translations download alone waits on DNS and got's retries offline: about 3 s measured.
    await expect(got('https://electronegativity-i18n.s3.us-west-2.amazonaws.com/en-US.json')).rejects.toThrow(/^offline/);
  });

  it('fails with 2 when there is nothing to scan', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'empty-scan-'));
    const result = await runScan(['--input', empty]);
    rmSync(empty, { recursive: true });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('error: the scanner found no files to scan');
  });
});

const finding = (overrides: Partial<Finding>): Finding => ({
  check: 'SANDBOX_JS_CHECK',
  severity: 'MEDIUM',
  confidence: 'FIRM',
  file: 'electron/window.ts',
  line: 12,
  column: 9,
  description: 'Use sandbox for untrusted origins',
  url: 'https://git.io/JeuM2',
  manualReview: false,
  ...overrides,
});
const outcome = (findings: Finding[], more: Partial<ScanOutcome> = {}): ScanOutcome => ({ findings, files: ['electron/window.ts'], unparsed: [], warnings: [], checksLoaded: 41, ...more });

describe("the gate's verdict", () => {
  it('fails on HIGH or MEDIUM at any confidence', () => {
    expect(judge(outcome([finding({ severity: 'HIGH', confidence: 'TENTATIVE' })]), []).exitCode).toBe(1);
    expect(judge(outcome([finding({ severity: 'MEDIUM', manualReview: true })]), []).exitCode).toBe(1);
  });

  it('passes LOW and INFORMATIONAL findings, listing them', () => {
    const verdict = judge(outcome([finding({ check: 'CSP_GLOBAL_CHECK', severity: 'LOW' }), finding({ check: 'ELECTRON_VERSION_JSON_CHECK', severity: 'INFORMATIONAL' })]), []);
    expect(verdict.exitCode).toBe(0);
    expect(verdict.lines.filter((line) => line.includes('CSP_GLOBAL_CHECK') || line.includes('ELECTRON_VERSION_JSON_CHECK'))).toHaveLength(2);
  });

  it('fails on the checks it always blocks, whatever severity Electronegativity gives them', () => {
    expect(judge(outcome([finding({ check: 'NODE_INTEGRATION_JS_CHECK', severity: 'INFORMATIONAL' })]), []).exitCode).toBe(1);
    expect(judge(outcome([finding({ check: 'EXPERIMENTAL_FEATURES_JS_CHECK', severity: 'LOW' })]), []).exitCode).toBe(1);
  });

  it('prints check, severity, confidence, file:line and description on one line', () => {
    const verdict = judge(outcome([finding({})]), []);
    expect(verdict.lines).toContain('FAIL MEDIUM        FIRM      SANDBOX_JS_CHECK  electron/window.ts:12:9  Use sandbox for untrusted origins https://git.io/JeuM2');
  });

  it('fails with 2 when a file could not be parsed, even with no findings', () => {
    const verdict = judge(outcome([], { unparsed: [{ file: 'electron/main.ts', message: 'Unexpected token' }] }), []);
    expect(verdict.exitCode).toBe(2);
    expect(verdict.lines).toContain('error: could not parse electron/main.ts: Unexpected token');
  });

  it('fails with 2 on a file-wide suppression (eng-disable on line 1) and lists every inline one', () => {
    const text = '// eng-disable SANDBOX_JS_CHECK\nconst w = new BrowserWindow({ preload }); // eng-disable PRELOAD_JS_CHECK\n';
    const suppressions = findSuppressions('electron/window.ts', text);
    expect(suppressions).toEqual([
      { file: 'electron/window.ts', line: 1, checks: ['SANDBOX_JS_CHECK'] },
      { file: 'electron/window.ts', line: 2, checks: ['PRELOAD_JS_CHECK'] },
    ]);
    const verdict = judge(outcome([]), suppressions);
    expect(verdict.exitCode).toBe(2);
    expect(verdict.lines).toContain('  electron/window.ts:2  PRELOAD_JS_CHECK');
  });

  it('reads suppressions in HTML comments and stops the check list at punctuation', () => {
    expect(findSuppressions('index.html', '<meta http-equiv="Content-Security-Policy"> <!-- eng-disable CSP_HTML_CHECK -->')[0]!.checks).toEqual(['CSP_HTML_CHECK']);
    expect(findSuppressions('a.ts', 'x(); /* eng-disable AUXCLICK_JS_CHECK (reviewed) */')[0]!.checks).toEqual(['AUXCLICK_JS_CHECK']);
  });
});
