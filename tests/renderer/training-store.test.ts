/**
 * The training panel's store against an engine that speaks before it answers: the training
 * process sends its phase events (or its failure to start) as soon as it is spawned, and nothing
 * orders them against startTraining's reply.
 */
import { describe, expect, it } from 'vitest';
import type { StudioApi } from '../../main/api/contract.ts';
import type { EpochEvent, TrainingEvent } from '../../main/train/events.ts';
import { TrainingStore } from '../../renderer/src/training/training.svelte.ts';

/** An engine whose startTraining sends `early` (for `runId`, and for another run) before it answers. */
function eagerEngine(runId: string, early: TrainingEvent[]) {
  const listeners: ((runId: string, event: TrainingEvent) => void)[] = [];
  const send = (id: string, event: TrainingEvent) => listeners.forEach((listener) => listener(id, event));
  const api = {
    onTrainingEvent(listener: (runId: string, event: TrainingEvent) => void) {
      listeners.push(listener);
      return () => {};
    },
    onConnection: () => () => {},
    async startTraining() {
      for (const event of early) {
        send(runId, event);
        send('someone-elses-run', { type: 'failed', error: 'not this page’s run' });
      }
      return { runId };
    },
  };
  return { api: api as unknown as StudioApi, send };
}

const phase = (message: string): TrainingEvent => ({ type: 'phase', phase: 'backend', message });

describe('the training store', () => {
  it('keeps what its run said before startTraining answered, and nothing of other runs', async () => {
    const { api } = eagerEngine('run-1', [phase('Starting the wasm backend…')]);
    const store = new TrainingStore(api);
    await store.start({} as Parameters<StudioApi['startTraining']>[0]);
    expect(store.runId).toBe('run-1');
    expect(store.status).toBe('starting');
    expect(store.message).toBe('Starting the wasm backend…');
  });

  it('ends a run that failed before startTraining answered, instead of starting for ever', async () => {
    const { api } = eagerEngine('run-2', [phase('Starting the wasm backend…'), { type: 'failed', error: 'the training process could not start: spawn ENOENT' }]);
    const store = new TrainingStore(api);
    await store.start({} as Parameters<StudioApi['startTraining']>[0]);
    expect(store.status).toBe('failed');
    expect(store.message).toBe('the training process could not start: spawn ENOENT');
    expect(store.active).toBe(false);
  });

  it('follows its run after the answer: phases, then started', async () => {
    const { api, send } = eagerEngine('run-3', []);
    const store = new TrainingStore(api);
    await store.start({} as Parameters<StudioApi['startTraining']>[0]);
    send('run-3', { type: 'phase', phase: 'data', message: 'Loading MNIST…' });
    expect(store.message).toBe('Loading MNIST…');
    send('run-3', {
      type: 'started',
      backend: 'wasm',
      threads: 1,
      runDir: null,
      params: { trainable: 9896, nonTrainable: 192 },
      epochs: 1,
      batchesPerEpoch: 20,
      trainImages: 587,
      validationImages: 53,
      testImages: 640,
      resumedAfter: 0,
    });
    expect(store.status).toBe('running');
    expect(store.message).toBe('Training on wasm, 1 thread');
  });

  it('resumes a run with the epochs its folder kept on the charts, up to the checkpoint it carries on from', async () => {
    const { api, send } = eagerEngine('run-4', []);
    const epoch = (n: number) => ({ type: 'epoch', epoch: n, testAccuracy: 0.9 + n / 100 }) as unknown as EpochEvent;
    Object.assign(api, {
      resumeTraining: async () => ({ runId: 'run-4' }),
      runDetails: async () => ({ epochs: [epoch(1), epoch(2), epoch(3)] }),
    });
    const store = new TrainingStore(api);
    const resumed = store.resume({ runId: 'folder', backend: 'auto' }, 'round 10');
    expect(store.message).toBe('Resuming round 10…');
    await resumed;
    send('run-4', { type: 'started', backend: 'wasm', threads: 2, runDir: '/runs/folder', params: { trainable: 9896, nonTrainable: 192 }, epochs: 5, batchesPerEpoch: 20, trainImages: 587, validationImages: 53, testImages: 640, resumedAfter: 2 });
    expect(store.message).toBe('Resumed after epoch 2, training on wasm, 2 threads');
    // Epoch 3 of the folder was lost with the kill before its checkpoint: it is trained again.
    expect(store.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    send('run-4', epoch(3));
    expect(store.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  });
});
