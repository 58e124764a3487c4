/**
 * Data-parallel training (main/train/parallel/): round 10 on a few hundred MNIST images with two
 * replicas, in this process (replica 0) and a worker thread (replica 1).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../main/backends/ladder.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { limitDataset, type ImageDataset } from '../../main/data/dataset.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { evaluateModel } from '../../main/evaluate/evaluate-model.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import type { EpochEvent, TrainingEvent } from '../../main/train/events.ts';
import { ReplicaPool } from '../../main/train/parallel/replica-pool.ts';
import { sliceStarts } from '../../main/train/parallel/replica.ts';
import { train } from '../../main/train/trainer.ts';
import { buildTrainingModel } from '../../main/train/training-model.ts';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { quickSettings } from '../support/training.ts';

let backend: LoadedBackend;
let mnist: ImageDataset;

beforeAll(async () => {
  backend = await loadBackend('wasm', { wasmThreads: 1 });
  mnist = await loadMnist();
});

async function run(threads: number, settings = quickSettings({ epochs: 2, limit: 640 }), graph: GraphDocument = loadPreset(journeyPath(10))) {
  const events: TrainingEvent[] = [];
  await train({ tf: backend.tf, backend: 'wasm', graph, dataset: limitDataset(mnist, settings.limit), settings, threads, emit: (event) => events.push(event), isCancelled: () => false });
  return events;
}

const epochs = (events: TrainingEvent[]) => events.filter((e): e is EpochEvent => e.type === 'epoch').map(({ seconds: _s, imagesPerSecond: _i, ...metrics }) => metrics);

describe('sliceStarts', () => {
  it('splits a batch as evenly as possible, larger slices first, empty ones last', () => {
    expect(sliceStarts(64, 2)).toEqual([0, 32, 64]);
    expect(sliceStarts(10, 4)).toEqual([0, 3, 6, 8, 10]);
    expect(sliceStarts(1, 3)).toEqual([0, 1, 1, 1]);
  });
});

describe('round 10 on two threads', () => {
  let first: TrainingEvent[];
  beforeAll(async () => {
    first = await run(2);
  }, 120_000);

  it('trains: the loss falls and the accuracy beats chance', () => {
    const [one, two] = epochs(first);
    expect(two!.trainLoss).toBeLessThan(one!.trainLoss);
    expect(two!.testAccuracy).toBeGreaterThan(0.2);
    expect(first.at(-1)).toMatchObject({ type: 'finished', epochs: 2 });
  });

  it('repeats bit for bit with the same seed and thread count', async () => {
    // Live tensors count the process, where the first run left cached constants; the rest are the run's numbers.
    const metrics = (events: TrainingEvent[]) => epochs(events).map(({ tensors: _t, ...rest }) => rest);
    const again = await run(2);
    expect(metrics(again)).toEqual(metrics(first));
    expect(metrics(again)[1]!.testLoss).toBeGreaterThan(0);
  }, 120_000);

  it('leaks no tensors in any replica from epoch to epoch', () => {
    const counts = epochs(first).map((e) => e.tensors);
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('the replicas of a pool', () => {
  it('hold the same weights after every step: an evaluation split over them equals replica 0 evaluating alone', async () => {
    const { tf } = backend;
    const graph = loadPreset(journeyPath(10));
    const settings = quickSettings({ batchSize: 32, limit: 256 });
    const dataset = limitDataset(mnist, settings.limit);
    const { model, optimizer, logits } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, settings.learningRate);
    const pool = await ReplicaPool.start({ tf, backend: 'wasm', replicas: 2, model, optimizer, graph, settings, dataset, learningRate: settings.learningRate });
    try {
      const random = seededRandom(5);
      for (let step = 0; step < 4; step++) {
        const indices = Uint32Array.from({ length: 32 }, (_, i) => step * 32 + i);
        await pool.step(fillBatch(dataset, dataset.train, indices, { rotate: 0, shift: 0 }, random), { learningRate: settings.learningRate, momentum: null });
      }
      const split = await pool.evaluate(dataset.test, { logits });
      const alone = await evaluateModel(tf, model, dataset, dataset.test, { logits });
      expect(split.loss).toBe(alone.loss);
      expect(split.confusion).toEqual(alone.confusion);
    } finally {
      await pool.dispose();
      model.dispose();
      optimizer.dispose();
    }
  }, 120_000);
});
