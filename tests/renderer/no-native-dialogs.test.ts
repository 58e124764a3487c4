/**
 * The renderer asks in its own dialogs (focus, Escape, which run they mean), never with the
 * browser's confirm(), alert() or prompt(): Electron has no prompt(), and confirm() cannot name
 * one of two runs of the same name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

/** Source text without comments, so a comment may still name confirm(). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('the renderer', () => {
  it('calls none of the browser’s native dialogs', () => {
    const root = join(REPO, 'renderer/src');
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(30);
    const calls = files.flatMap((file) => [...code(file).matchAll(/(?<![\w.$])(?:window\.)?(confirm|alert|prompt)\s*\(/g)].map((m) => `${relative(REPO, file)}: ${m[0]}`));
    expect(calls).toEqual([]);
  });
});
