/**
 * Traces findings in the built shell back to the source lines they came from. A bundler need not
 * keep comments (esbuild keeps those inside an expression, Vite's SSR build none inside a
 * function), so an inline suppression written in electron/*.ts may never reach dist/electron.
 * With the build's source maps, each finding in the bundle is judged at its source
 * line: a suppression there counts, a finding the sources already reported is not reported
 * twice, and anything else is reported at its source line, with the bundle line beside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type { Finding } from './electronegativity.ts';
import { findSuppressions } from './report.ts';

export interface SourceLine {
  /** Relative to the repository root. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

const maps = new Map<string, SourceMap | null>();

function mapFor(bundleFile: string): SourceMap | null {
  if (!maps.has(bundleFile)) {
    const path = `${bundleFile}.map`;
    maps.set(bundleFile, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null);
  }
  return maps.get(bundleFile)!;
}

/** Where a line of a bundle in scanRoot came from, relative to repoRoot; null without a mapping. */
export function sourceLineOf(scanRoot: string, file: string, line: number, column: number, repoRoot: string): SourceLine | null {
  const bundleFile = join(scanRoot, file);
  const entry = mapFor(bundleFile)?.findEntry(line - 1, column) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined) return null;
  const source = resolve(dirname(bundleFile), entry.originalSource);
  return { file: relative(repoRoot, source), line: entry.originalLine + 1, column: entry.originalColumn ?? 0 };
}

export interface Reconciled {
  findings: Finding[];
  /** Bundle findings dropped because their source line carries a suppression for the check. */
  suppressedAtSource: number;
  /** Bundle findings dropped because the source scan reported the same check on the same line. */
  duplicates: number;
}

/** Judges the findings under bundleDir (relative to scanRoot) at their source lines. */
export function reconcileBundleFindings(findings: Finding[], scanRoot: string, bundleDir: string, repoRoot: string): Reconciled {
  const fromSources = new Set(findings.filter((f) => !f.file.startsWith(`${bundleDir}/`)).map((f) => `${f.check} ${f.file}:${f.line}`));
  const kept: Finding[] = [];
  let suppressedAtSource = 0;
  let duplicates = 0;
  for (const finding of findings) {
    const origin = finding.file.startsWith(`${bundleDir}/`) ? sourceLineOf(scanRoot, finding.file, finding.line, finding.column, repoRoot) : null;
    if (!origin) {
      kept.push(finding);
      continue;
    }
    if (fromSources.has(`${finding.check} ${origin.file}:${origin.line}`)) {
      duplicates += 1;
      continue;
    }
    const sourceText = readFileSync(join(repoRoot, origin.file), 'utf8').split('\n')[origin.line - 1] ?? '';
    if (findSuppressions(origin.file, sourceText).some((s) => s.checks.some((c) => c.toUpperCase() === finding.check))) {
      suppressedAtSource += 1;
      continue;
    }
    kept.push({ ...finding, file: origin.file, line: origin.line, column: origin.column, builtAt: `${finding.file}:${finding.line}:${finding.column}` });
  }
  return { findings: kept, suppressedAtSource, duplicates };
}
