/**
 * The whole app is killed while it trains: the training process notices that its caller is gone
 * and stops instead of training on as an orphan, the run keeps every epoch it finished, and the
 * next listRuns shows the run as interrupted rather than running for ever.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEpochMetrics, readRunRecord } from '../../main/runs/run-folder.ts';
import { listRuns } from '../../main/runs/run-history.ts';
import { processExists } from '../../main/process-exists.ts';
import { INTERRUPTED_MESSAGE } from '../../main/runs/run-liveness.ts';
import type { TrainingEvent } from '../../main/train/events.ts';
import { REPO } from '../support/cli.ts';

const ENGINE = fileURLToPath(new URL('./fixtures/engine.ts', import.meta.url));

/** Starts the engine stand-in and resolves once it reported `epochs` epochs. */
async function engineAfterEpochs(epochs: number): Promise<{ engine: ChildProcess; runsRoot: string }> {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-engine-'));
  const engine = spawn(process.execPath, ['--import', 'tsx', ENGINE, workspace], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: engine.stdout! })) {
    const event = JSON.parse(line) as TrainingEvent;
    if (event.type === 'epoch' && event.epoch === epochs) break;
    if (event.type === 'failed') throw new Error(`the training failed: ${event.error}`);
  }
  return { engine, runsRoot: join(workspace, 'runs') };
}

/** Milliseconds until the process is gone, or Infinity after `limitMs`. */
async function msUntilGone(pid: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (processExists(pid)) {
    if (performance.now() - start > limitMs) return Infinity;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}

describe('when the engine process is killed during training', () => {
  it('the training process stops within a few seconds and records the run as interrupted, keeping its epochs', async () => {
    const { engine, runsRoot } = await engineAfterEpochs(2);
    const dir = join(runsRoot, readdirSync(runsRoot)[0]!);
    const { pid } = await readRunRecord(dir);
    expect(processExists(pid!)).toBe(true);

    engine.kill('SIGKILL');
    expect(await msUntilGone(pid!, 5000)).toBeLessThan(5000);

    const record = await readRunRecord(dir);
    expect(record).toMatchObject({ status: 'interrupted', error: INTERRUPTED_MESSAGE });
    const epochs = (await readEpochMetrics(dir)).map((m) => m.epoch);
    expect(epochs.slice(0, 2)).toEqual([1, 2]);
    expect(record.epochsDone).toBe(epochs.length);
    expect(await listRuns(runsRoot)).toMatchObject([{ status: 'interrupted', epochs: epochs.length }]);
  }, 60_000);

  it('shows a run whose training process died with it as interrupted, though run.json still says running', async () => {
    const { engine, runsRoot } = await engineAfterEpochs(2);
    const dir = join(runsRoot, readdirSync(runsRoot)[0]!);
    const { pid } = await readRunRecord(dir);
    // Both at once, as when the whole process group or the machine goes down: nothing can record the end.
    process.kill(pid!, 'SIGKILL');
    engine.kill('SIGKILL');
    expect(await msUntilGone(pid!, 5000)).toBeLessThan(5000);

    expect(await readRunRecord(dir)).toMatchObject({ status: 'running' });
    const epochs = (await readEpochMetrics(dir)).length;
    expect(epochs).toBeGreaterThanOrEqual(2);
    expect(await listRuns(runsRoot)).toMatchObject([{ status: 'interrupted', epochs }]);
  }, 60_000);
});
