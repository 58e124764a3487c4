/** The training loop in-process on the wasm backend, on a few hundred MNIST images. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

async function run(settings = quickSettings(), isCancelled: (events: TrainingEvent[]) => boolean = () => false, onEpoch?: () => void) {
  const events: TrainingEvent[] = [];
  await train({
    tf: backend.tf,
    backend: backend.name,
    graph: loadPreset(journeyPath(10)),
    dataset: limitDataset(mnist, settings.limit),
    settings,
    emit: (event) => {
      events.push(event);
      if (event.type === 'epoch') onEpoch?.();
    },
    isCancelled: () => isCancelled(events),
  });
  return events;
}

/** A full garbage collection, so the JavaScript heap shows what is live. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface MemorySnapshot {
  tensors: number;
  tensorBytes: number;
  wasmHeapBytes: number;
  jsHeapBytes: number;
}

function memorySnapshot(): MemorySnapshot {
  collectGarbage();
  const memory = backend.tf.memory();
  // The threaded build keeps its memory in `wasmMemory`, where HEAPU8 can lag behind growth.
  const wasm = (backend.tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array; wasmMemory?: WebAssembly.Memory } }).wasm;
  const wasmHeapBytes = (wasm.wasmMemory ?? wasm.HEAPU8).buffer.byteLength;
  return { tensors: memory.numTensors, tensorBytes: memory.numBytes, wasmHeapBytes, jsHeapBytes: process.memoryUsage().heapUsed };
}

describe('training round 10 on 640 MNIST images', () => {
  let events: TrainingEvent[];
  const memory: MemorySnapshot[] = [];
  beforeAll(async () => {
    events = await run(quickSettings({ epochs: 5 }), undefined, () => memory.push(memorySnapshot()));
  }, 120_000);
  const epochs = () => events.filter((e): e is EpochEvent => e.type === 'epoch');

  it('reports building the model, started, batches, one epoch event per epoch, then finished', () => {
    expect(events[0]).toEqual({ type: 'phase', phase: 'model', message: 'Building the model…' });
    // auto holds out a twelfth of the 640 images (53) for validation: 587 to train on, in 19 batches of 32.
    expect(events[1]).toMatchObject({ type: 'started', backend: 'wasm', params: { trainable: 9896, nonTrainable: 192 }, batchesPerEpoch: 19, trainImages: 587, validationImages: 53, testImages: 640 });
    expect(events.some((e) => e.type === 'batch')).toBe(true);
    expect(epochs().map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', epochs: 5 });
  });

  it('lowers the loss and beats chance by far', () => {
    const [first, , , , last] = epochs();
    expect(last!.trainLoss).toBeLessThan(first!.trainLoss);
    expect(last!.bestTestAccuracy).toBeGreaterThan(0.5);
  });

  it('chooses the best epoch on validation accuracy, and reports that epoch\'s test accuracy', () => {
    const best = epochs().reduce((a, b) => (b.validationAccuracy! > a.validationAccuracy! ? b : a));
    expect(events.at(-1)).toMatchObject({ selectedBy: 'validation', bestEpoch: best.epoch, bestValidationAccuracy: best.validationAccuracy, bestTestAccuracy: best.testAccuracy });
    for (const e of epochs()) expect(e.validationAccuracy! * 53).toBeCloseTo(Math.round(e.validationAccuracy! * 53), 6);
  });

  it('measures train accuracy twice: while dropout and augmentation act, and in a clean pass', () => {
    for (const e of epochs()) {
      expect(e.cleanTrainAccuracy).not.toBeNull();
      // The clean pass counts whole images out of the 587.
      expect(e.cleanTrainAccuracy! * 587).toBeCloseTo(Math.round(e.cleanTrainAccuracy! * 587), 6);
    }
    expect(epochs().map((e) => e.cleanTrainAccuracy)).not.toEqual(epochs().map((e) => e.trainAccuracy));
  });

  it('leaks no tensors from epoch to epoch', () => {
    const counts = epochs().map((e) => e.tensors);
    expect(new Set(counts).size).toBe(1);
  });

  // Measured: 52 tensors and 79,944 bytes at every epoch end, a wasm heap of 19.3 MiB from epoch 1
  // on, and a JavaScript heap that stays within 0.4 MiB after a collection. The process's RSS
  // wanders by ±20 MiB without a trend over 30 epochs, too noisy to check.
  it('keeps memory flat across epochs: the same tensors and bytes, no wasm heap growth, no JavaScript heap trend', () => {
    expect(memory).toHaveLength(5);
    const [first, second] = memory as [MemorySnapshot, MemorySnapshot];
    for (const snapshot of memory.slice(1)) {
      expect(snapshot.tensors).toBe(first.tensors);
      expect(snapshot.tensorBytes).toBe(first.tensorBytes);
      expect(snapshot.wasmHeapBytes).toBe(first.wasmHeapBytes);
    }
    // From epoch 2, when the code is compiled and the caches are full.
    expect(memory.at(-1)!.jsHeapBytes - second.jsHeapBytes).toBeLessThan(8 * 1024 ** 2);
  });

  it('reports progress with images per second, ETA and the learning rate', () => {
    const batch = events.find((e) => e.type === 'batch')!;
    expect(batch).toMatchObject({ epoch: 1, batches: 19, learningRate: 0.05, momentum: null });
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
    ['a batch larger than the data', { batchSize: 1000, limit: 100, validation: 'none' as const }, 'the batch size 1,000 is larger than the 100 training images'],
    ['a batch larger than what the validation split leaves', { batchSize: 95, limit: 100 }, 'the batch size 95 is larger than the 92 training images left after holding out 8 for validation'],
    ['a validation split that leaves nothing to train on', { validation: 100, limit: 100 }, 'the validation split of 100 images leaves no images to train on (MNIST has 100 training images within the limit of 100); hold out fewer, or set validation to none'],
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
