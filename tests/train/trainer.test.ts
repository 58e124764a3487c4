/** The training loop in-process on the wasm backend, on a few hundred MNIST images. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../main/backends/ladder.ts';
import { limitDataset, type ImageDataset } from '../../main/data/dataset.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import type { EpochEvent, TrainingEvent } from '../../main/train/events.ts';
import { train } from '../../main/train/trainer.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { quickSettings } from '../support/training.ts';

let backend: LoadedBackend;
let mnist: ImageDataset;

beforeAll(async () => {
  backend = await loadBackend('wasm');
  mnist = await loadMnist();
});

async function run(settings = quickSettings(), isCancelled: (events: TrainingEvent[]) => boolean = () => false) {
  const events: TrainingEvent[] = [];
  await train({
    tf: backend.tf,
    backend: backend.name,
    graph: loadPreset(journeyPath(10)),
    dataset: limitDataset(mnist, settings.limit),
    settings,
    emit: (event) => events.push(event),
    isCancelled: () => isCancelled(events),
  });
  return events;
}

describe('training round 10 on 640 MNIST images', () => {
  let events: TrainingEvent[];
  beforeAll(async () => {
    events = await run(quickSettings({ epochs: 4 }));
  }, 120_000);
  const epochs = () => events.filter((e): e is EpochEvent => e.type === 'epoch');

  it('reports started, batches, one epoch event per epoch, then finished', () => {
    expect(events[0]).toMatchObject({ type: 'started', backend: 'wasm', params: { trainable: 9896, nonTrainable: 192 }, batchesPerEpoch: 20, trainImages: 640 });
    expect(events.some((e) => e.type === 'batch')).toBe(true);
    expect(epochs().map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', epochs: 4 });
  });

  it('lowers the loss and beats chance by far', () => {
    const [first, , , last] = epochs();
    expect(last!.trainLoss).toBeLessThan(first!.trainLoss);
    expect(last!.bestTestAccuracy).toBeGreaterThan(0.5);
  });

  it('tracks the best test accuracy and its epoch', () => {
    const best = epochs().reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
    expect(events.at(-1)).toMatchObject({ bestTestAccuracy: best.testAccuracy, bestEpoch: best.epoch });
  });

  it('leaks no tensors from epoch to epoch', () => {
    const counts = epochs().map((e) => e.tensors);
    expect(new Set(counts).size).toBe(1);
  });

  it('reports progress with images per second, ETA and the learning rate', () => {
    const batch = events.find((e) => e.type === 'batch')!;
    expect(batch).toMatchObject({ epoch: 1, batches: 20, learningRate: 0.05 });
    if (batch.type !== 'batch') return;
    expect(batch.imagesPerSecond).toBeGreaterThan(0);
    expect(batch.runEtaSeconds).toBeGreaterThan(batch.epochEtaSeconds);
  });
});

describe('schedules in a real run', () => {
  it('applies StepLR: the rate reported with each epoch drops by gamma every step size', async () => {
    const events = await run(quickSettings({ epochs: 3, limit: 64, schedule: { type: 'step', stepSize: 1, gamma: 0.1 } }));
    const rates = events.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => e.learningRate);
    expect(rates[0]).toBeCloseTo(0.05);
    expect(rates[1]).toBeCloseTo(0.005);
    expect(rates[2]).toBeCloseTo(0.0005);
  }, 60_000);
});

describe('cancelling', () => {
  it('stops at the next batch and says so', async () => {
    const events = await run(quickSettings({ epochs: 5 }), (seen) => seen.some((e) => e.type === 'batch'));
    expect(events.at(-1)).toEqual({ type: 'cancelled', epochsDone: 0 });
    expect(events.some((e) => e.type === 'epoch')).toBe(false);
  }, 60_000);
});

describe('refusing a run that cannot work', () => {
  it.each([
    ['a batch larger than the data', { batchSize: 1000, limit: 100 }, 'the batch size 1,000 is larger than the 100 training images'],
  ])('refuses %s', async (_what, overrides, message) => {
    await expect(run(quickSettings(overrides))).rejects.toThrow(message);
  });

  it('refuses a graph whose input does not match the images', async () => {
    const graph = loadPreset(journeyPath(10));
    const input = graph.nodes.find((n) => n.type === 'input')!;
    if (input.type === 'input') input.params.height = 32;
    await expect(
      train({ tf: backend.tf, backend: 'wasm', graph, dataset: mnist, settings: quickSettings(), emit: () => {}, isCancelled: () => false }),
    ).rejects.toThrow("the graph's input is 32×28×1 but MNIST images are 28×28×1; change the Input block to match");
  });
});
