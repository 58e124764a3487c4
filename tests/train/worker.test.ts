/** Training in a separate process: events arrive, cancel stops it, and a bad request fails cleanly. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../main/runs/model-files.ts';
import { readEpochMetrics, readRunRecord, RUN_FILES } from '../../main/runs/run-folder.ts';
import type { BatchEvent } from '../../main/train/events.ts';
import { startTrainingProcess } from '../../main/train/worker/controller.ts';
import { onlyRun, quickSettings, startWorker as start } from '../support/training.ts';

describe('the training process', () => {
  it('trains and writes a run folder: graph, settings, one metrics line per epoch, reloadable models', async () => {
    const { handle, events, runsRoot } = start(quickSettings({ epochs: 2, limit: 256 }));
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'finished', epochs: 2 });
    // What the studio's status line says before the first batch.
    expect(events.slice(0, 4).map((e) => (e.type === 'phase' ? e.message : e.type))).toEqual(['Starting the wasm backend…', 'Loading MNIST…', 'Building the model…', 'started']);
    expect(events[3]).toMatchObject({ type: 'started', backend: 'wasm' });

    const dir = onlyRun(runsRoot);
    expect(readdirSync(dir).sort()).toEqual([RUN_FILES.graph, RUN_FILES.metrics, 'models', RUN_FILES.record, RUN_FILES.settings].sort());
    expect((await readEpochMetrics(dir)).map((m) => m.epoch)).toEqual([1, 2]);
    expect(await readRunRecord(dir)).toMatchObject({ status: 'finished', epochsDone: 2, backend: 'wasm', params: { trainable: 9896 }, pid: expect.any(Number), host: hostname() });
    await tf.setBackend('cpu');
    const model = await loadModel(tf, join(dir, RUN_FILES.bestModel));
    expect(model.countParams()).toBe(10_088);
    model.dispose();
  }, 120_000);

  // Three moments to stop at; 5,000 test images make the evaluation after an epoch outlast the
  // grace period, so that case ends in a kill. How long each takes is `npm run bench -- --only cancel`.
  it.each([
    ['at the first batch', (e: BatchEvent) => e.epoch === 1, 1],
    ['in the middle of epoch 2', (e: BatchEvent) => e.epoch === 2 && e.batch > e.batches / 2, 2],
    ['while it evaluates on the test split', (e: BatchEvent) => e.batch === e.batches, 1],
  ])('stops when cancelled %s, with the run marked cancelled and no later epoch', async (_when, cancelAt, epoch) => {
    let cancelled = false;
    const { handle, runsRoot, events } = start(quickSettings({ epochs: 50, batchSize: 256, limit: 5000 }), (event, h) => {
      if (event.type === 'batch' && !cancelled && cancelAt(event)) {
        cancelled = true;
        h.cancel();
      }
    });
    const final = await handle.done;
    expect(final.type).toBe('cancelled');
    expect(await readRunRecord(onlyRun(runsRoot))).toMatchObject({ status: 'cancelled' });
    const epochsReported = events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    expect(epochsReported.every((reported) => reported <= epoch)).toBe(true);
  }, 60_000);

  it('reports a failure instead of crashing on a bad request', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-runs-'));
    const handle = startTrainingProcess({ graph: { nodes: [] }, settings: {}, backend: 'wasm', runsRoot }, () => {});
    expect(await handle.done).toMatchObject({ type: 'failed', error: expect.stringContaining('the graph does not load: format:') });
  }, 60_000);
});
