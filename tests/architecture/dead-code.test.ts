/**
 * No dead code behind an export: every name a source file exports is mentioned somewhere besides
 * its declaration (in its own file or any other, tests included). A word count, not a type-checked
 * reference search: a dead export whose name happens to appear elsewhere goes unnoticed, but a
 * name that appears once in the whole project is certainly unused. `npx knip` gives the fuller
 * picture, including exports used only inside their own file (live code exported needlessly).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where code is written; the declarations checked are those under the first five. */
const CHECKED = ['main', 'electron', 'scripts', 'renderer/src', 'bin'];
const READ = [...CHECKED, 'tests'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** `export function name`, `export const name`, `export class name`, `export type name`… */
const EXPORTED = /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|abstract\s+class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;

function wordCounts(files: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of files) {
    for (const [word] of readFileSync(file, 'utf8').matchAll(/[A-Za-z_$][\w$]*/g)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

describe('dead code', () => {
  const counts = wordCounts(READ.flatMap(sourceFiles));
  const exports = CHECKED.flatMap(sourceFiles).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(EXPORTED)].map((m) => ({ name: m[1]!, file: relative(ROOT, file) })));

  it('finds the exports it checks', () => {
    expect(exports).toContainEqual({ name: 'analyzeGraph', file: 'main/analysis/analyze.ts' });
    expect(exports.length).toBeGreaterThan(300);
  });

  it('has no exported name that is mentioned nowhere but in its declaration', () => {
    const unused = exports.filter(({ name }) => (counts.get(name) ?? 0) < 2).map(({ name, file }) => `${file}: ${name}`);
    expect(unused).toEqual([]);
  });
});
