/**
 * Electronegativity 1.10.3 (Doyensec's Electron security scanner), driven through its
 * programmatic runner and kept off the network.
 *
 * Its CLI (dist/index.js) is written for commander 2 and breaks on the commander 14 this project
 * resolves, so we call dist/runner.js ourselves. The runner reaches the network twice, both times
 * through `got`: it downloads translations from S3 at start (dist/locales/i18n.js), and the
 * AVAILABLE_SECURITY_FIXES global check downloads Electron's release list from GitHub into the
 * temp folder. Offline each one waits on DNS and got's retries (about 3 s each, measured here; the
 * release-list request sets no timeout at all); online the answer would depend on files fetched
 * at scan time. So before the runner is loaded, an offline stand-in for `got` goes into the
 * require cache: both calls fail at once, the English messages shipped with the package are
 * used, and the scan gives the same answer everywhere.
 */
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';

export interface Finding {
  /** The check that fired, e.g. CONTEXT_ISOLATION_JS_CHECK. */
  check: string;
  severity: Severity;
  confidence: Confidence;
  /** Relative to the scanned folder; "N/A" for a global finding about the whole app. */
  file: string;
  line: number;
  column: number;
  description: string;
  /** The check's documentation page. */
  url: string;
  /** Electronegativity's own flag: the finding needs a human look before acting on it. */
  manualReview: boolean;
  /** For a finding in the built shell traced back to its source line: where it is in the bundle. */
  builtAt?: string;
}

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Confidence = 'TENTATIVE' | 'FIRM' | 'CERTAIN';

export interface ScanOutcome {
  findings: Finding[];
  /** The files the scanner parsed, relative to the scanned folder. */
  files: string[];
  /** Files it could not parse (and so did not check). */
  unparsed: { file: string; message: string }[];
  /** Parse problems it recovered from; the file was still checked. */
  warnings: { file: string; message: string }[];
  checksLoaded: number;
}

export interface ScanOptions {
  /** The folder to scan. */
  input: string;
  /** The Electron version the app ships, so version-dependent defaults are judged right. */
  electronVersion: string;
  /** Checks to leave out, by class name (e.g. AvailableSecurityFixesGlobalCheck). */
  excludeChecks: string[];
}

interface RawIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  shortenedURL?: string;
  severity: { name: Severity };
  confidence: { name: Confidence };
  manualReview?: boolean;
}

interface RunnerResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: RawIssue[];
}

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<RunnerResult>;

const packageRequire = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity'));

/** A `got` that never connects: every request fails straight away, as on a machine without a network. */
function offlineGot(): Promise<never> {
  return Promise.reject(new Error('offline: the security scan does not use the network'));
}
offlineGot.head = offlineGot;
offlineGot.get = offlineGot;

let runner: Runner | undefined;

function loadRunner(): Runner {
  if (runner) return runner;
  const gotPath = packageRequire.resolve('got');
  const cached = packageRequire.cache[gotPath];
  if (cached && cached.exports !== offlineGot) throw new Error('got was loaded before the offline stand-in; the scan could reach the network');
  packageRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offlineGot } as unknown as NodeJS.Module;
  runner = packageRequire('./runner.js') as Runner;
  return runner;
}

/** The files Electronegativity's directory loader picks (same helper, same filter). */
async function listScannedFiles(input: string): Promise<string[]> {
  const util = packageRequire('./util/file.js') as { list_files(dir: string): Promise<string[] | undefined>; is_directory(path: string): boolean };
  if (!util.is_directory(input)) throw new Error(`${input} is not a folder`);
  return (await util.list_files(input)) ?? [];
}

/** The translation loader prints this when its (stubbed) download fails; it says nothing about the scan. */
const TRANSLATION_NOTICE = 'Could not retrieve updated translations for the current locale';

export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const run = loadRunner();
  const input = resolve(options.input);
  const files = await listScannedFiles(input);
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (args[0] !== TRANSLATION_NOTICE) log(...args);
  };
  let result: RunnerResult;
  try {
    result = await run(
      {
        input,
        isRelative: true,
        customScan: [],
        excludeFromScan: options.excludeChecks,
        severitySet: 'INFORMATIONAL',
        confidenceSet: 'TENTATIVE',
        electronVersionOverride: options.electronVersion,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = log;
  }
  const rel = (file: string) => (file === 'N/A' ? file : relative(input, resolve(input, file)));
  return {
    files: files.map((file) => relative(input, file)),
    checksLoaded: result.globalChecks + result.atomicChecks,
    unparsed: result.errors.filter((e) => !e.tolerable).map((e) => ({ file: rel(e.file), message: e.message })),
    warnings: result.errors.filter((e) => e.tolerable).map((e) => ({ file: rel(e.file), message: e.message })),
    findings: result.issues.map((issue) => ({
      check: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      file: issue.file,
      line: issue.location.line,
      column: issue.location.column,
      description: issue.description,
      url: issue.shortenedURL ?? '',
      manualReview: issue.manualReview ?? false,
    })),
  };
}
