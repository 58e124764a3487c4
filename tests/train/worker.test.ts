/** Training in a separate process: events arrive, cancel stops it, and a bad request fails cleanly. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../main/runs/model-files.ts';
import { readBatchMetrics, readEpochMetrics, readRunRecord, RUN_FILES } from '../../main/runs/run-folder.ts';
import { createSchedule } from '../../main/train/schedules.ts';
import type { BatchEvent } from '../../main/train/events.ts';
import { startTrainingProcess } from '../../main/train/worker/controller.ts';
import { onlyRun, quickSettings, startWorker as start } from '../support/training.ts';

describe('the training process', () => {
  it('trains and writes a run folder: graph, settings, one metrics line per epoch, reloadable models', async () => {
    const { handle, events, runsRoot } = start(quickSettings({ epochs: 2, limit: 256 }), undefined, undefined, undefined, 1);
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'finished', epochs: 2 });
    // What the studio's status line says before the first batch (one thread: no threads to start).
    expect(events.slice(0, 4).map((e) => (e.type === 'phase' ? e.message : e.type))).toEqual(['Starting the wasm backend…', 'Loading MNIST…', 'Building the model…', 'started']);
    expect(events[3]).toMatchObject({ type: 'started', backend: 'wasm' });

    const dir = onlyRun(runsRoot);
    expect(readdirSync(dir).sort()).toEqual([RUN_FILES.checkpoint, RUN_FILES.graph, RUN_FILES.metrics, 'models', RUN_FILES.record, RUN_FILES.settings].sort());
    expect((await readEpochMetrics(dir)).map((m) => m.epoch)).toEqual([1, 2]);
    // settings.json records the split as the number of images it held out: auto took 21 of 256.
    expect(JSON.parse(readFileSync(join(dir, RUN_FILES.settings), 'utf8'))).toMatchObject({ validation: 21, epochs: 2 });
    expect(await readRunRecord(dir)).toMatchObject({ status: 'finished', epochsDone: 2, backend: 'wasm', params: { trainable: 9896 }, pid: expect.any(Number), host: hostname() });
    await tf.setBackend('cpu');
    const model = await loadModel(tf, join(dir, RUN_FILES.bestModel));
    expect(model.countParams()).toBe(10_088);
    model.dispose();
  }, 120_000);

  it('records where the run trained and the learning rate of the batches it reported', async () => {
    const settings = quickSettings({ epochs: 2, limit: 256, batchSize: 16, schedule: { type: 'oneCycle' } });
    const { handle, runsRoot } = start(settings);
    expect((await handle.done).type).toBe('finished');
    const dir = onlyRun(runsRoot);
    const record = await readRunRecord(dir);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(record.environment).toMatchObject({ studio: pkg.version, node: process.version, backend: 'wasm', cpu: cpus()[0]!.model.trim(), cores: cpus().length });
    expect(record.environment!.commit).toMatch(new RegExp(`^${head}(-dirty)?$`));
    expect(record.environment!.backendDetail).toMatch(/^(no )?SIMD(, FMA)?, \d+ threads?$/);

    // The batch lines of both epochs, each with the one-cycle rate of its batch (235 images: 15 batches of 16).
    const lines = await readBatchMetrics(dir);
    expect(new Set(lines.map((line) => line.epoch))).toEqual(new Set([1, 2]));
    expect(lines.every((line) => line.batch >= 1 && line.batch <= 15)).toBe(true);
    const schedule = createSchedule(settings.schedule, settings.learningRate, 2, 15);
    for (const line of lines) expect(line.learningRate).toBe(schedule.rate(line.epoch - 1, line.batch - 1));
    expect(new Set(lines.map((line) => line.learningRate)).size).toBeGreaterThan(2);
    // Each epoch's lines come before its epoch line.
    const text = readFileSync(join(dir, RUN_FILES.metrics), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; epoch: number });
    expect(text.findIndex((line) => line.type === 'epoch')).toBeGreaterThan(text.findIndex((line) => line.type === 'batch'));
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
