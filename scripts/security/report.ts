/**
 * The security gate's verdict and its printout: which findings block (any HIGH or MEDIUM, at any
 * confidence, and a few checks whatever their severity), each finding on one line, and the inline
 * suppressions in force, so that a suppression is always visible in the CI log. Pure functions,
 * tested on their own.
 */
import type { Finding, ScanOutcome, Severity } from './electronegativity.ts';

/** Findings at these severities fail the gate. */
export const BLOCKING: readonly Severity[] = ['HIGH', 'MEDIUM'];

/**
 * Checks that fail the gate at any severity: checklist items docs/security.md says the app meets,
 * which Electronegativity rates below MEDIUM (it calls an explicit `nodeIntegration: true`
 * INFORMATIONAL, `experimentalFeatures: true` and `enableBlinkFeatures` LOW).
 */
export const ALWAYS_BLOCKING: readonly string[] = [
  'NODE_INTEGRATION_JS_CHECK',
  'NODE_INTEGRATION_HTML_CHECK',
  'EXPERIMENTAL_FEATURES_JS_CHECK',
  'EXPERIMENTAL_FEATURES_HTML_CHECK',
  'BLINK_FEATURES_JS_CHECK',
  'BLINK_FEATURES_HTML_CHECK',
  'ALLOWPOPUPS_HTML_CHECK',
  'SECURITY_WARNINGS_DISABLED_JS_CHECK',
  'SECURITY_WARNINGS_DISABLED_JSON_CHECK',
];

export interface Suppression {
  file: string;
  line: number;
  checks: string[];
}

/** The same comment syntax Electronegativity honours (util/exceptions.js), JS and HTML forms. */
const SUPPRESSION = /(?:\/\*|\/\/|<!--)[ \t]*eng-disable[ \t]+([\w \t]+)/i;

/** Every eng-disable comment in one file's text. Line 1 would disable the checks for the whole file. */
export function findSuppressions(file: string, text: string): Suppression[] {
  return text.split('\n').flatMap((line, index) => {
    const match = SUPPRESSION.exec(line);
    return match ? [{ file, line: index + 1, checks: match[1]!.trim().split(/[ \t]+/) }] : [];
  });
}

export function isBlocking(finding: Finding): boolean {
  return BLOCKING.includes(finding.severity) || ALWAYS_BLOCKING.includes(finding.check);
}

const RANK: Record<Severity, number> = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };

export function formatFinding(finding: Finding, rename: (file: string) => string = (f) => f): string {
  const built = finding.builtAt ? ` (built: ${rename(finding.builtAt)})` : '';
  const where = finding.file === 'N/A' ? '(whole app)' : `${rename(finding.file)}:${finding.line}:${finding.column}${built}`;
  const review = finding.manualReview ? ' [review]' : '';
  return `${finding.severity.padEnd(13)} ${finding.confidence.padEnd(9)} ${finding.check}  ${where}  ${finding.description}${review} ${finding.url}`.trimEnd();
}

export interface Verdict {
  /** 0: clean; 1: blocking findings; 2: the scan itself cannot be trusted. */
  exitCode: 0 | 1 | 2;
  lines: string[];
}

/**
 * Judges one scan. A scan that read no files, could not parse one, or met a file-wide suppression
 * (eng-disable on a file's first line) fails with 2: it would pass without having looked.
 */
export function judge(outcome: ScanOutcome, suppressions: Suppression[], rename: (file: string) => string = (f) => f): Verdict {
  const lines: string[] = [];
  const sorted = [...outcome.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.file.localeCompare(b.file) || a.line - b.line);
  const blocking = sorted.filter(isBlocking);
  lines.push(`Scanned ${outcome.files.length} files with ${outcome.checksLoaded} checks.`);
  for (const warning of outcome.warnings) lines.push(`warning: ${rename(warning.file)}: ${warning.message}`);
  if (suppressions.length > 0) {
    lines.push(`Suppressed inline (${suppressions.length}; each one explained in docs/security.md):`);
    for (const s of suppressions) lines.push(`  ${rename(s.file)}:${s.line}  ${s.checks.join(' ')}`);
  }
  if (sorted.length > 0) {
    lines.push(`Findings (${blocking.length} blocking, marked FAIL):`);
    for (const finding of sorted) lines.push(`${isBlocking(finding) ? 'FAIL' : '    '} ${formatFinding(finding, rename)}`);
  }

  const broken: string[] = [];
  if (outcome.files.length === 0) broken.push('the scanner found no files to scan');
  for (const u of outcome.unparsed) broken.push(`could not parse ${rename(u.file)}: ${u.message}`);
  for (const s of suppressions.filter((s) => s.line === 1)) broken.push(`${rename(s.file)}:1 disables ${s.checks.join(' ')} for the whole file; put the comment on the finding's line`);
  if (broken.length > 0) {
    lines.push(...broken.map((b) => `error: ${b}`), 'Security scan FAILED: the scan itself is not trustworthy.');
    return { exitCode: 2, lines };
  }
  if (blocking.length > 0) {
    lines.push(`Security scan FAILED: ${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'}. Fix the code, or, for a false positive, see docs/security.md.`);
    return { exitCode: 1, lines };
  }
  lines.push('Security scan passed: no blocking findings.');
  return { exitCode: 0, lines };
}
