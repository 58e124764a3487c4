/**
 * The desktop bundle reads datasets in a worker thread too: electron/build.ts emits
 * dataset-worker.js beside the code that starts it (dataset-thread.ts resolves it as a sibling),
 * and the built worker runs and answers.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { buildShell } from '../../electron/build.ts';
import { REPO } from '../support/cli.ts';

// Inside the checkout, so that the bundle's external imports (pngjs, …) resolve from node_modules.
mkdirSync(join(REPO, 'dist'), { recursive: true });
const out = mkdtempSync(join(REPO, 'dist', 'test-dataset-worker-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the desktop bundle', () => {
  it('has dataset-worker.js beside the code that starts it, and the worker answers a preview', async () => {
    await buildShell(out);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.js'));
    const starters = files.filter((e) => e.name !== 'dataset-worker.js' && readFileSync(join(e.parentPath, e.name), 'utf8').includes('"./dataset-worker.js"'));
    expect(starters.map((e) => e.parentPath)).toEqual([out]);
    expect(files.some((e) => e.name === 'dataset-worker.js' && e.parentPath === out)).toBe(true);

    const answer = await new Promise<{ ok: boolean; result?: { shape: number[]; skipped: unknown[] }; message?: string }>((resolve, reject) => {
      const folder = join(REPO, 'tests/fixtures/attacks/png-header-bomb');
      const worker = new Worker(join(out, 'dataset-worker.js'), { workerData: { task: 'preview', name: `images:${folder}`, previewPerClass: 1 } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(answer).toMatchObject({ ok: true, result: { shape: [28, 28, 3] } });
    expect(answer.result!.skipped).toHaveLength(1);
  }, 120_000);
});
