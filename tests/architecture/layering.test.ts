/**
 * Who may import whom. The engine in main/ is shared by the desktop app, the CLI, the browser mode
 * and the tests, so it knows nothing of Electron or Svelte; the graph core and its analysis also
 * run in the renderer, so they touch neither the file system nor any other Node.js module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\s)(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2]!);
}

function violations(folders: string[], forbidden: RegExp): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => forbidden.test(specifier))
        .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
    ),
  );
}

describe('layering', () => {
  it('finds the imports it checks', () => {
    expect(importsOf(join(ROOT, 'main/analysis/analyze.ts'))).toContain('./blocks/index.ts');
  });

  it('keeps Electron and Svelte out of the engine', () => {
    expect(violations(['main'], /^(electron|svelte)(\/|$)|^@xyflow\//)).toEqual([]);
  });

  it('lets the renderer reach the engine only through the pure modules and the API contract', () => {
    const allowed = /^(\.\.\/)+main\/(graph|analysis|advice)\/|^(\.\.\/)+main\/(api\/contract|backends\/types|train\/events|train\/thread-count|runs\/types|runs\/backend-label|evaluate\/types)\.ts$/;
    const engineImports = sourceFiles('renderer/src').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.includes('main/') && !allowed.test(specifier))
        .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
    );
    expect(engineImports).toEqual([]);
    expect(violations(['renderer/src'], /^node:|^electron(\/|$)/)).toEqual([]);
  });

  /**
   * Every module `entry` reaches through the static imports of our own files, and the packages
   * those name: what loads when it starts. Type-only imports are erased; a lazy `import()` loads
   * only when its code runs, so it is left to the tests of that code.
   */
  function reach(entry: string): { files: string[]; packages: Set<string> } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const staticImports = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const specifier of staticImports(file)) {
        if (specifier.startsWith('.')) visit(join(file, '..', specifier));
        else packages.add(specifier);
      }
    };
    visit(join(ROOT, entry));
    return { files: [...files].map((file) => relative(ROOT, file)), packages };
  }

  it("keeps TensorFlow.js from loading with the desktop app's main process and the browser-mode server: their engine work runs in the engine process", () => {
    for (const entry of ['electron/main.ts', 'main/server/web-main.ts']) {
      const { files, packages } = reach(entry);
      expect(files, entry).toContain('main/api/engine-tasks/engine-client.ts');
      expect([...packages].filter((name) => name.startsWith('@tensorflow/')), entry).toEqual([]);
    }
    // The engine process itself loads it.
    expect([...reach('main/api/engine-tasks/engine-process.ts').packages]).toContain('@tensorflow/tfjs');
  });

  it('keeps the graph core, analysis and compiler free of Node.js modules', () => {
    const pure = ['main/graph', 'main/analysis', 'main/compile', 'main/import', 'main/advice', 'main/onnx', 'main/weights'];
    expect(violations(pure, /^node:|^(fs|path|os|child_process|worker_threads)(\/|$)/)).toEqual([]);
  });
});
