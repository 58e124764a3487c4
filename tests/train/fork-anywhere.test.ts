/**
 * Run from the TypeScript sources (the browser mode's `npm run web`, the tests), the caller forks
 * training-process.ts through tsx. The loader must be found from the checkout, not from the
 * working folder: a bare `--import tsx` made every run fail elsewhere with ERR_MODULE_NOT_FOUND.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

it('trains from the sources with the working folder outside the checkout', async () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const outside = mkdtempSync(join(tmpdir(), 'cnn-studio-fork-anywhere-'));
  const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', tsx, join(REPO, 'tests/train/fixtures/train-once.ts')], { cwd: outside, timeout: 90_000 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null')).toMatchObject({ type: 'finished', epochs: 1 });
}, 120_000);
