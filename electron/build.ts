/**
 * Builds the desktop shell into dist/electron: the main process and the training worker as ES
 * modules, and the sandboxed preload as a single CommonJS file (sandboxed preloads cannot import).
 * The renderer is built separately (`npm run build:renderer`) into dist/renderer.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'vite';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const packages = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})];
const external = (id: string) =>
  id === 'electron' || id.startsWith('node:') || builtinModules.includes(id) || packages.some((name) => id === name || id.startsWith(`${name}/`));

/** One bundle into dist/electron: node20, dependencies left as imports. */
function bundle(input: Record<string, string>, format: 'es' | 'cjs', fileName: string, emptyOutDir: boolean, externals: (id: string) => boolean) {
  return build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'dist/electron',
      emptyOutDir,
      rollupOptions: { input, output: { format, entryFileNames: fileName }, external: externals },
    },
  });
}

await bundle({ main: 'electron/main.ts', 'training-worker': 'main/train/worker/training-process.ts' }, 'es', '[name].js', true, external);
await bundle({ preload: 'electron/preload.ts' }, 'cjs', 'preload.cjs', false, (id) => id === 'electron');
