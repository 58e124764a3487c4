/**
 * What the security scan looks at, gathered into one temporary folder so that Electronegativity's
 * whole-app checks (is there a CSP anywhere, a permission handler, a navigation limit) see the
 * whole app at once:
 *
 *   electron/…                 the desktop shell's TypeScript sources, as written
 *   dist/electron/**           the shell as shipped: main process, training worker and preload,
 *                              built from the current sources (never a stale dist/), with
 *                              source maps to trace findings back (bundle-origins.ts)
 *   dist/renderer/index.html   the renderer's built page, with its CSP meta tag
 *   package.json               Electron's version and the npm scripts (command-line switches)
 *
 * The built renderer's JavaScript is left out: it holds no Electron code, and it is minified
 * third-party code (Svelte, xyflow, Chart.js) whose findings we could not act on.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as viteBuild } from 'vite';
import { buildShell } from '../../electron/build.ts';

export interface StagedProject {
  /** The folder to scan. */
  root: string;
  /** Staged file name → the name to report, where they differ. */
  renamed: Map<string, string>;
  remove(): void;
}

/** Stages the project found at the current working folder (the repository root). */
export async function stageProject(): Promise<StagedProject> {
  const work = mkdtempSync(join(tmpdir(), 'cnn-studio-security-'));
  const root = join(work, 'scan');
  const renamed = new Map<string, string>();
  try {
    cpSync('electron', join(root, 'electron'), { recursive: true, filter: (source) => statSync(source).isDirectory() || source.endsWith('.ts') });

    await buildShell(join(root, 'dist', 'electron'), { sourcemap: true });
    // Electronegativity only reads .js/.ts/.html files; the sandboxed preload is a .cjs bundle.
    renameSync(join(root, 'dist/electron/preload.cjs'), join(root, 'dist/electron/preload.cjs.js'));
    renameSync(join(root, 'dist/electron/preload.cjs.map'), join(root, 'dist/electron/preload.cjs.js.map'));
    renamed.set('dist/electron/preload.cjs.js', 'dist/electron/preload.cjs');

    const rendererOut = join(work, 'renderer');
    // bundlerTimings off: Rolldown's note on slow plugins is noise in the scan's output.
    await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: rendererOut, emptyOutDir: true, rolldownOptions: { checks: { bundlerTimings: false } } } });
    mkdirSync(join(root, 'dist/renderer'), { recursive: true });
    copyFileSync(join(rendererOut, 'index.html'), join(root, 'dist/renderer/index.html'));

    copyFileSync('package.json', join(root, 'package.json'));
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return { root, renamed, remove: () => rmSync(work, { recursive: true, force: true }) };
}
