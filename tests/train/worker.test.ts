/** Training in a separate process: events arrive, cancel is quick, and a killed worker leaves a readable run. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../main/runs/model-files.ts';
import { readEpochMetrics, readRunRecord, RUN_FILES } from '../../main/runs/run-folder.ts';
import type { TrainingEvent } from '../../main/train/events.ts';
import { startTrainingProcess } from '../../main/train/worker/controller.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { quickSettings } from '../support/training.ts';

function start(settings: ReturnType<typeof quickSettings>, stopWhen?: (event: TrainingEvent, handle: ReturnType<typeof startTrainingProcess>) => void) {
  const runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-runs-'));
  const events: TrainingEvent[] = [];
  const handle = startTrainingProcess({ graph: loadPreset(journeyPath(10)), settings, backend: 'wasm', runsRoot }, (event) => {
    events.push(event);
    stopWhen?.(event, handle);
  });
  return { handle, events, runsRoot };
}

const onlyRun = (runsRoot: string) => join(runsRoot, readdirSync(runsRoot)[0]!);

describe('the training process', () => {
  it('trains and writes a run folder: graph, settings, one metrics line per epoch, reloadable models', async () => {
    const { handle, events, runsRoot } = start(quickSettings({ epochs: 2, limit: 256 }));
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'finished', epochs: 2 });
    expect(events[0]).toMatchObject({ type: 'started', backend: 'wasm' });

    const dir = onlyRun(runsRoot);
    expect(readdirSync(dir).sort()).toEqual([RUN_FILES.graph, RUN_FILES.metrics, 'models', RUN_FILES.record, RUN_FILES.settings].sort());
    expect((await readEpochMetrics(dir)).map((m) => m.epoch)).toEqual([1, 2]);
    expect(await readRunRecord(dir)).toMatchObject({ status: 'finished', epochsDone: 2, backend: 'wasm', params: { trainable: 9896 } });
    await tf.setBackend('cpu');
    const model = await loadModel(tf, join(dir, RUN_FILES.bestModel));
    expect(model.countParams()).toBe(10_088);
    model.dispose();
  }, 120_000);

  it('stops within a second of cancel', async () => {
    let cancelledAt = 0;
    const { handle } = start(quickSettings({ epochs: 50, limit: 2000 }), (event, h) => {
      if (event.type === 'batch' && cancelledAt === 0) {
        cancelledAt = performance.now();
        h.cancel();
      }
    });
    const final = await handle.done;
    expect(final.type).toBe('cancelled');
    expect(performance.now() - cancelledAt).toBeLessThan(1500);
  }, 120_000);

  it('survives the worker being killed mid-epoch: the run is marked failed and finished epochs are kept', async () => {
    const { handle, runsRoot } = start(quickSettings({ epochs: 50, limit: 320 }), (event, h) => {
      if (event.type === 'batch' && event.epoch === 2) h.kill();
    });
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'failed', error: expect.stringContaining('stopped by SIGKILL') });
    const dir = onlyRun(runsRoot);
    expect(await readRunRecord(dir)).toMatchObject({ status: 'failed', epochsDone: 1 });
    expect((await readEpochMetrics(dir)).map((m) => m.epoch)).toEqual([1]);
  }, 120_000);

  it('reports a failure instead of crashing on a bad request', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-runs-'));
    const handle = startTrainingProcess({ graph: { nodes: [] }, settings: {}, backend: 'wasm', runsRoot }, () => {});
    expect(await handle.done).toMatchObject({ type: 'failed', error: expect.stringContaining('the graph does not load: format:') });
  }, 60_000);
});
