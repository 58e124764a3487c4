/**
 * Where a run trained, for run.json: the studio's version and commit, Node.js, the backend as it
 * loaded (SIMD and threads for wasm), the CPU model and core count, the operating system. Two runs
 * that differ in their numbers can then be told apart by more than their settings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RunEnvironment } from './types.ts';

/** Set by the esbuild builds (scripts/node-bundle.ts); absent when running from the TypeScript sources. */
declare const __CNN_STUDIO_BUILD__: { version: string; commit: string | null } | undefined;

let build: { version: string; commit: string | null } | undefined;

/** The version and commit of the studio running: from the build, or from the checkout it runs in. */
export function studioBuild(): { version: string; commit: string | null } {
  if (typeof __CNN_STUDIO_BUILD__ !== 'undefined') return __CNN_STUDIO_BUILD__;
  build ??= readCheckout();
  return build;
}

function readCheckout(): { version: string; commit: string | null } {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const version = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    return { version, commit: git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}-dirty` };
  } catch {
    return { version, commit: null };
  }
}

export function runEnvironment(backend: string, backendDetail: string): RunEnvironment {
  const { version, commit } = studioBuild();
  const processors = cpus();
  return {
    studio: version,
    commit,
    node: process.version,
    backend,
    backendDetail,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    os: `${platform()} ${release()} ${arch()}`,
  };
}
