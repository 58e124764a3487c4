/**
 * The one esbuild configuration for every Node.js program the project ships: the CLI and its
 * training process (scripts/build-cli.ts → dist/cli) and the desktop shell's main process,
 * training process and preload (electron/build.ts → dist/electron). Our TypeScript and any
 * devDependency are always bundled, so nothing is compiled at run time and no devDependency is
 * needed to run; Node's built-ins always stay imports. Which runtime packages stay imports,
 * resolved from node_modules at run time, is the one choice a program makes (`keep`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/** Every runtime package (esbuild also leaves their subpaths alone). */
export const RUNTIME_PACKAGES: readonly string[] = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})];

/**
 * The packages that must be loaded from their own folder: TensorFlow.js finds its wasm binaries and
 * native bindings beside its files, and tfjs-core must be one copy shared by tfjs and its backends
 * (two copies would hold two kernel registries).
 */
export const ON_DISK_PACKAGES: readonly string[] = ['@tensorflow/*'];

/**
 * In an ES module bundle, CommonJS code that esbuild wrapped (in the CLI: commander, cli-table3,
 * pngjs…) calls `require` for Node's built-ins; ES modules have none, so each output file gets one.
 */
const REQUIRE_FOR_COMMONJS = "import { createRequire as __cnnStudioCreateRequire } from 'node:module';\nconst require = __cnnStudioCreateRequire(import.meta.url);";

/** The repository root, which entry paths are relative to. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The version and commit built, which every run records (main/runs/environment.ts): the commit
 * with "-dirty" when the checkout had changes; null where git or the repository is missing (a
 * build from an unpacked package).
 */
function buildInfo(): { version: string; commit: string | null } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    return { version: pkg.version, commit: git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}-dirty` };
  } catch {
    return { version: pkg.version, commit: null };
  }
}

export interface NodeBundle {
  /** Output name (no extension) → entry source file, relative to the repository root. */
  entries: Record<string, string>;
  outDir: string;
  /**
   * `esm` (the default) splits code shared by the entries, or reached only through a dynamic
   * `import()`, into chunks beside them, so a command loads only what it uses. `cjs` gives one
   * self-contained file per entry (the sandboxed preload cannot import).
   */
  format?: 'esm' | 'cjs';
  /** File extension of the entries' outputs; default `.js`. */
  extension?: '.js' | '.cjs';
  /** Also write `.map` files (the security scan traces findings in the bundle back with them). */
  sourcemap?: boolean;
  /**
   * Which runtime packages stay imports: `dependencies`, all of them (the desktop shell:
   * electron-builder ships node_modules anyway, and the security scan then reads only our code);
   * `on-disk`, only ON_DISK_PACKAGES (the CLI: it bundles the rest, since each file of a package is
   * a resolve, a read and a compile at every start, and zod alone is some 300 files); `none` (the
   * sandboxed preload, which cannot load anything).
   */
  keep: 'dependencies' | 'on-disk' | 'none';
  /** Modules the host provides, left as imports: `electron`. */
  hostModules?: string[];
}

/** The esbuild options for one bundle. */
function nodeBundleOptions(bundle: NodeBundle): BuildOptions {
  const format = bundle.format ?? 'esm';
  return {
    absWorkingDir: ROOT,
    entryPoints: bundle.entries,
    outdir: resolve(bundle.outDir),
    outExtension: { '.js': bundle.extension ?? '.js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    splitting: format === 'esm',
    external: [...{ dependencies: RUNTIME_PACKAGES, 'on-disk': ON_DISK_PACKAGES, none: [] }[bundle.keep], ...(bundle.hostModules ?? [])],
    banner: format === 'esm' ? { js: REQUIRE_FOR_COMMONJS } : {},
    // Packages whose `main` is a UMD build that loads its own files with a computed `require`,
    // which a bundle cannot follow: their ES module build instead.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    define: { __CNN_STUDIO_BUILD__: JSON.stringify(buildInfo()) },
    sourcemap: bundle.sourcemap ?? false,
    // Readable output: a bug report can quote a line of it; minifying saved only ~5 % of start-up.
    minify: false,
    logLevel: 'warning',
    metafile: true,
  };
}

/** Builds one bundle; returns what it wrote (esbuild's metafile). Throws with esbuild's message on any error. */
export async function buildNodeBundle(bundle: NodeBundle): Promise<Metafile> {
  const result = await build(nodeBundleOptions(bundle));
  return result.metafile!;
}
