/**
 * Builds the desktop shell into dist/electron: the main process and the training worker as ES
 * modules, and the sandboxed preload as a single CommonJS file (sandboxed preloads cannot import).
 * The renderer is built separately (`npm run build:renderer`) into dist/renderer.
 *
 *   tsx electron/build.ts [OUT_DIR]     (default dist/electron; the security scan builds elsewhere)
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const packages = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})];
const external = (id: string) =>
  id === 'electron' || id.startsWith('node:') || builtinModules.includes(id) || packages.some((name) => id === name || id.startsWith(`${name}/`));

/** One bundle into outDir: node20, dependencies left as imports. */
function bundle(outDir: string, sourcemap: boolean, input: Record<string, string>, format: 'es' | 'cjs', fileName: string, emptyOutDir: boolean, externals: (id: string) => boolean) {
  return build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      target: 'node20',
      outDir,
      emptyOutDir,
      sourcemap,
      rollupOptions: { input, output: { format, entryFileNames: fileName }, external: externals },
    },
  });
}

/**
 * Builds main.js, training-worker.js, dataset-worker.js (plus their shared chunks) and preload.cjs into outDir; with
 * source maps, the security scan traces a finding in the bundle back to its source line.
 */
export async function buildShell(outDir = 'dist/electron', options: { sourcemap?: boolean } = {}): Promise<void> {
  const sourcemap = options.sourcemap ?? false;
  await bundle(outDir, sourcemap, { main: 'electron/main.ts', 'training-worker': 'main/train/worker/training-process.ts', 'dataset-worker': 'main/data/dataset-worker.ts' }, 'es', '[name].js', true, external);
  await bundle(outDir, sourcemap, { preload: 'electron/preload.ts' }, 'cjs', 'preload.cjs', false, (id) => id === 'electron');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildShell(process.argv[2]);
