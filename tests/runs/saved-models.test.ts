/**
 * A run cancelled before its first epoch ended saved no model. The runs list says which models a
 * run has and why one is missing; evaluating, exporting and showing feature maps say the same
 * instead of a raw ENOENT.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFeatureMaps } from '../../main/evaluate/evaluate-run.ts';
import { listRuns } from '../../main/runs/run-history.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { onlyRun, quickSettings, startWorker } from '../support/training.ts';

/** A real run, stopped at its first batch or after `epochs` epochs. */
async function trainedRun(epochs: number | 'cancelled at the first batch'): Promise<string> {
  const cancelled = epochs === 'cancelled at the first batch';
  // Sixty batches an epoch when cancelled, so the cancel lands well inside epoch 1.
  const { handle, runsRoot } = startWorker(quickSettings({ epochs: cancelled ? 5 : epochs, limit: cancelled ? 1920 : 128 }), (event, h) => {
    if (cancelled && event.type === 'batch') h.cancel();
  });
  expect((await handle.done).type).toBe(cancelled ? 'cancelled' : 'finished');
  return onlyRun(runsRoot);
}

describe('a run with no saved model', () => {
  let runDir: string;
  const why = 'it was cancelled before epoch 1 ended';
  beforeAll(async () => {
    runDir = await trainedRun('cancelled at the first batch');
  }, 60_000);

  it('is listed with no model and the reason', async () => {
    const [summary] = await listRuns(join(runDir, '..'));
    expect(summary).toMatchObject({ status: 'cancelled', models: { best: false, last: false, missing: why } });
    const table = await runCli(['runs', join(runDir, '..')]);
    expect(table.stdout).toMatch(/│ wasm( × \d+)? +│ none +│/);
    expect(table.stdout).toContain(`${basename(runDir)} has no saved model: ${why}`);
  });

  it.each([
    ['eval', (dir: string) => ['eval', dir], 'best'],
    ['eval --model last', (dir: string) => ['eval', dir, '--model', 'last'], 'last'],
    ['export --format tfjs', (dir: string) => ['export', dir, '--format', 'tfjs', '--out', join(mkdtempSync(join(tmpdir(), 'tfjs-')), 'model')], 'best'],
  ])('refuses %s with one line that says why', async (_what, args, which) => {
    const result = await runCli(args(runDir));
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`error: run ${basename(runDir)} has no saved ${which} model (${why})`);
    expect(result.stderr).not.toContain('ENOENT');
    expect(hasStackTrace(result.stderr)).toBe(false);
  }, 60_000);

  it('refuses feature maps the same way', async () => {
    await expect(runFeatureMaps(runDir, 0)).rejects.toThrow(`run ${basename(runDir)} has no saved best model (${why})`);
  });
});

describe('a run whose model files were removed', () => {
  it('lists its remaining model and says why the other is gone', async () => {
    const runDir = await trainedRun(1);
    expect((await listRuns(join(runDir, '..')))[0]!.models).toEqual({ best: true, last: true, missing: null });
    rmSync(join(runDir, 'models', 'last', 'weights.bin'));
    expect((await listRuns(join(runDir, '..')))[0]!.models).toEqual({ best: true, last: false, missing: 'its model files were removed' });
    const result = await runCli(['eval', runDir, '--model', 'last']);
    expect(result.stderr.trim()).toBe(`error: run ${basename(runDir)} has no saved last model (its model files were removed)`);
    expect((await runCli(['eval', runDir])).code).toBe(0);
  }, 60_000);
});
