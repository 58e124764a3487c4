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

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist/electron',
    emptyOutDir: true,
    rollupOptions: {
      input: { main: 'electron/main.ts', 'training-worker': 'main/train/worker/training-process.ts' },
      output: { format: 'es', entryFileNames: '[name].js' },
      external,
    },
  },
});

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist/electron',
    emptyOutDir: false,
    rollupOptions: {
      input: { preload: 'electron/preload.ts' },
      output: { format: 'cjs', entryFileNames: 'preload.cjs' },
      external: ['electron'],
    },
  },
});
