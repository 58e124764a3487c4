/**
 * Builds the desktop shell into dist/electron: the main process and the training process as ES
 * modules (with their shared chunks), and the sandboxed preload as a single CommonJS file
 * (sandboxed preloads cannot import). The esbuild configuration is the CLI's (scripts/node-bundle.ts).
 * The renderer is built separately (`npm run build:renderer`) into dist/renderer.
 *
 *   tsx electron/build.ts [OUT_DIR]     (default dist/electron; the security scan builds elsewhere)
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNodeBundle } from '../scripts/node-bundle.ts';

/**
 * Builds main.js, training-process.js, training-replica.js, engine-process.js, dataset-worker.js (plus their shared chunks) and preload.cjs into outDir; with
 * source maps, the security scan traces a finding in the bundle back to its source line.
 */
export async function buildShell(outDir = 'dist/electron', options: { sourcemap?: boolean } = {}): Promise<void> {
  const sourcemap = options.sourcemap ?? false;
  // Chunk names carry a hash: clear the folder so that no chunk of an older build lingers.
  rmSync(resolve(outDir), { recursive: true, force: true });
  await buildNodeBundle({
    entries: {
      main: 'electron/main.ts',
      'training-process': 'main/train/worker/training-process.ts',
      'training-replica': 'main/train/parallel/replica-worker.ts',
      'engine-process': 'main/api/engine-tasks/engine-process.ts',
      'dataset-worker': 'main/data/dataset-worker.ts',
    },
    outDir,
    sourcemap,
    keep: 'dependencies',
    hostModules: ['electron'],
  });
  await buildNodeBundle({ entries: { preload: 'electron/preload.ts' }, outDir, format: 'cjs', extension: '.cjs', sourcemap, keep: 'none', hostModules: ['electron'] });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildShell(process.argv[2]);
