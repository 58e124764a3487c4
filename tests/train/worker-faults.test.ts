/**
 * Faults in the training process stay there: whether it throws, runs out of memory or is killed,
 * the caller keeps running and gets one `failed` event with a readable reason, run.json says
 * failed with that reason, and every epoch already reported is still in metrics.jsonl.
 *
 * Throws and out-of-memory are injected by a test-only entry (fixtures/faulty-training-process.ts)
 * that wraps the real training process; the caller picks it through nodeWorkerSpawner.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEpochMetrics, readRunRecord } from '../../main/runs/run-folder.ts';
import { nodeWorkerSpawner } from '../../main/train/worker/link.ts';
import { onlyRun, quickSettings, startWorker } from '../support/training.ts';

const FAULTY = fileURLToPath(new URL('./fixtures/faulty-training-process.ts', import.meta.url));

/** 320 images in batches of 32: ten batches an epoch, so batch 15 falls in epoch 2. */
const settings = quickSettings({ epochs: 5, limit: 320 });

function withFault(fault: string, execArgv: string[] = []) {
  return nodeWorkerSpawner({ entry: FAULTY, args: ['--fault', fault, '--at', '15'], execArgv });
}

/** What every fault must leave: a failed run with the reason, and epoch 1 kept. */
async function expectFailedRunKeepingEpochOne(runsRoot: string, error: RegExp) {
  const dir = onlyRun(runsRoot);
  expect(await readRunRecord(dir)).toMatchObject({ status: 'failed', epochsDone: 1, error: expect.stringMatching(error) });
  expect((await readEpochMetrics(dir)).map((m) => m.epoch)).toEqual([1]);
}

describe('a fault in the training process', () => {
  it.each([
    ['throws inside the training loop', 'throw', [], /^Error: injected fault at batch 15$/],
    ['throws outside the training loop (a timer)', 'uncaught', [], /^Error: injected fault outside the training loop$/],
    ['fills its JavaScript heap', 'js-oom', ['--max-old-space-size=160'], /^the training process ran out of memory \(its JavaScript heap is full\)/],
    ['cannot grow its wasm heap', 'wasm-oom', [], /^the training process ran out of memory: the wasm backend could not find 256\.0 MiB for a tensor/],
    // Dropped silently, a NaN loss once let a diverged run read as finished.
    ['sends an event that breaks the schema', 'bad-event', [], /^the training process sent an event the studio cannot read \(batch\.loss: .*NaN.*\)$/],
  ])('fails the run when it %s, keeping the epochs already reported', async (_what, fault, execArgv, error) => {
    const { handle, events, runsRoot } = startWorker(settings, undefined, withFault(fault, execArgv as string[]));
    const final = await handle.done;
    expect(final).toEqual({ type: 'failed', error: expect.stringMatching(error) });
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
    await expectFailedRunKeepingEpochOne(runsRoot, error);
  }, 60_000);

  it.each([
    ['throws', 'replica-throw', /^training thread 2 of 2 failed: Error: injected fault in a training thread at step 15$/],
    ['stops (its thread exits)', 'replica-exit', /^training thread 2 of 2 failed: the thread stopped unexpectedly \(exit code 3\)$/],
    ['cannot grow its wasm heap', 'replica-wasm-oom', /^training thread 2 of 2 failed: the training process ran out of memory: the wasm backend could not find 256\.0 MiB for a tensor/],
  ])('fails the run when one of its training threads %s, with that thread\'s message', async (_what, fault, error) => {
    const { handle, events, runsRoot } = startWorker(settings, undefined, withFault(fault), undefined, 2);
    const final = await handle.done;
    expect(final).toEqual({ type: 'failed', error: expect.stringMatching(error) });
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(events.find((e) => e.type === 'started')).toMatchObject({ type: 'started', threads: 2 });
    await expectFailedRunKeepingEpochOne(runsRoot, error);
  }, 60_000);

  it('fails the run when the process is killed (SIGKILL) mid-epoch', async () => {
    const { handle, runsRoot } = startWorker(settings, (event, h) => {
      if (event.type === 'batch' && event.epoch === 2) h.kill();
    });
    expect(await handle.done).toEqual({ type: 'failed', error: 'the training process was killed (SIGKILL); the epochs already reported are kept' });
    await expectFailedRunKeepingEpochOne(runsRoot, /^the training process was killed \(SIGKILL\)/);
  }, 60_000);
});
