/**
 * The npm package: what `npm pack` puts in it, and that it runs once installed away from the
 * checkout, both as `npm install -g` lays it out (the package in PREFIX/lib/node_modules with its
 * own node_modules, the command linked into PREFIX/bin) and as a dependency of another project
 * run with `npx` (its dependencies hoisted beside it).
 *
 * `npm install -g <tarball>` itself needs the registry to resolve version ranges, and `npm ci`
 * caches package tarballs but not the registry's metadata, so here the packed package's
 * production dependencies are installed offline from the npm cache with `npm ci` and the
 * checkout's lockfile (the versions CI tested), into the same layout.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function run(file: string, args: string[], options: ExecFileOptions & { timeout: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The package a bare import specifier names: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const work = mkdtempSync(join(tmpdir(), 'cnn-studio-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the command, its build and the presets, and none of the sources', async () => {
    // --ignore-scripts: `prepare` would rebuild dist/cli under the other tests; the global setup built it.
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, timeout: 60_000 });
    expect(packed.code).toBe(0);
    const files = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/cnn-studio.js', 'resources/journey/round-10.json', 'resources/presets/lenet-5.json']));
    const built = readdirSync(join(REPO, 'dist/cli')).map((name) => `dist/cli/${name}`);
    expect(built).toEqual(expect.arrayContaining(['dist/cli/cnn-studio.js', 'dist/cli/training-process.js']));
    expect(files).toEqual(expect.arrayContaining(built));
    // npm always packs the file package.json `main` names, where it exists: Electron's entry.
    const sources = files.filter((file) => /^(main|tests|electron|scripts|renderer|node_modules|dist\/(electron|renderer))\//.test(file));
    expect(sources.filter((file) => file !== 'dist/electron/main.js')).toEqual([]);
  });

  it('imports, from the built command, only Node.js built-ins and packages it depends on at run time', () => {
    const runtime = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)]);
    const imported = new Set<string>();
    for (const name of readdirSync(join(REPO, 'dist/cli'))) {
      const text = readFileSync(join(REPO, 'dist/cli', name), 'utf8');
      for (const match of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (!specifier.startsWith('.')) imported.add(specifier);
      }
    }
    expect([...imported]).toContain('@tensorflow/tfjs');
    const unmet = [...imported].filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier) && !runtime.has(packageOf(specifier)));
    expect(unmet).toEqual([]);
  });

  it('installs offline, then runs summary and real training from another folder, as a global command and through npx', async () => {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: REPO, timeout: 120_000 });
    expect(packed.stderr.match(/^npm error .*/m)?.[0] ?? '').toBe('');
    const tarball = join(work, `${pkg.name}-${pkg.version}.tgz`);

    const prefix = join(work, 'prefix');
    const installed = join(prefix, 'lib/node_modules', pkg.name);
    mkdirSync(installed, { recursive: true });
    const unpacked = await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { timeout: 60_000 });
    expect(unpacked.code).toBe(0);
    copyFileSync(join(REPO, 'package-lock.json'), join(installed, 'package-lock.json'));
    const ci = await run('npm', ['ci', '--omit=dev', '--omit=optional', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: installed, timeout: 300_000 });
    expect(ci.stderr.match(/^npm error .*/m)?.[0] ?? '').toBe('');
    expect(readdirSync(join(installed, 'node_modules'))).not.toContain('tsx');

    // What npm's bin-links does for `npm install -g`.
    const command = join(prefix, 'bin', pkg.name);
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(join('..', 'lib/node_modules', pkg.name, 'bin/cnn-studio.js'), command);
    chmodSync(join(installed, 'bin/cnn-studio.js'), 0o755);

    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const summary = await run(command, ['summary', join(installed, 'resources/journey/round-10.json'), '--json'], { cwd: elsewhere, timeout: 60_000 });
    expect(summary.stderr).toBe('');
    expect(JSON.parse(summary.stdout).params).toEqual({ trainable: 9896, nonTrainable: 192, total: 10088 });
    const train = await run(command, ['train', join(installed, 'resources/journey/round-10.json'), '--limit', '200', '--epochs', '1', '--no-save', '--json'], { cwd: elsewhere, timeout: 120_000 });
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    expect(JSON.parse(train.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'finished', epochs: 1 });

    // The same package as another project's dependency: its dependencies hoisted beside it.
    const project = join(work, 'project');
    mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'another-project', private: true }));
    for (const name of readdirSync(join(installed, 'node_modules'))) {
      if (name !== '.bin') renameSync(join(installed, 'node_modules', name), join(project, 'node_modules', name));
    }
    rmSync(join(installed, 'node_modules'), { recursive: true, force: true });
    renameSync(installed, join(project, 'node_modules', pkg.name));
    symlinkSync(join('..', pkg.name, 'bin/cnn-studio.js'), join(project, 'node_modules/.bin', pkg.name));
    const npx = await run('npx', ['--offline', pkg.name, 'train', join(REPO, 'resources/journey/round-09.json'), '--limit', '200', '--epochs', '1', '--no-save', '--json'], { cwd: project, timeout: 120_000 });
    expect(npx.stderr).toBe('');
    expect(npx.code).toBe(0);
    expect(JSON.parse(npx.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'finished', epochs: 1 });
  }, 600_000);
});
