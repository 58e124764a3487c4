/**
 * Two runs with the same seed on the same backend give the same numbers, epoch by epoch: the seed
 * fixes the initial weights, the shuffling, the augmentation and every dropout mask. (Dropout on
 * wasm used to draw its masks from Math.random, so runs of round 10 never repeated.)
 */
import { describe, expect, it } from 'vitest';
import { loadBackend, type BackendName } from '../../main/backends/ladder.ts';
import { limitDataset } from '../../main/data/dataset.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import type { TrainingSettings } from '../../main/graph/training-settings.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import { train } from '../../main/train/trainer.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { chainOf } from '../support/graphs.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { quickSettings } from '../support/training.ts';

/** What a run reports per epoch, without the timings. */
async function epochsOf(backendName: BackendName, graph: GraphDocument, settings: TrainingSettings) {
  const backend = await loadBackend(backendName);
  const epochs: EpochEvent[] = [];
  await train({
    tf: backend.tf,
    backend: backend.name,
    graph,
    dataset: limitDataset(await loadMnist(), settings.limit),
    settings,
    emit: (event) => {
      if (event.type === 'epoch') epochs.push(event);
    },
    isCancelled: () => false,
  });
  return epochs.map(({ trainLoss, trainAccuracy, testLoss, testAccuracy }) => ({ trainLoss, trainAccuracy, testLoss, testAccuracy }));
}

/** Small enough for the plain JavaScript backend: a convolution, dropout, a pool and a dense layer. */
const small = () =>
  chainOf([28, 28, 1], [
    { type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
    { type: 'activation', params: { function: 'relu' } },
    { type: 'dropout', params: { rate: 0.3 } },
    { type: 'maxPool2d', params: { poolSize: 4 } },
    { type: 'flatten' },
    { type: 'dense', params: { units: 10 } },
    { type: 'output' },
  ]);

describe('the same seed on the same backend', () => {
  it.each([
    // Round 10: batch norm, and dropout after every block, on the wasm backend's own kernels.
    ['wasm', () => loadPreset(journeyPath(10)), 3, 640],
    ['cpu', small, 2, 256],
  ] as const)('gives identical metrics epoch by epoch on %s, with dropout and augmentation', async (backend, graph, epochs, limit) => {
    const settings = quickSettings({ epochs, limit, seed: 11, augment: { rotate: 7, shift: 2 } });
    const first = await epochsOf(backend, graph(), settings);
    const second = await epochsOf(backend, graph(), settings);
    expect(first).toHaveLength(epochs);
    expect(second).toEqual(first);
    // And the seed matters: another one trains differently.
    expect(await epochsOf(backend, graph(), { ...settings, seed: 12 })).not.toEqual(first);
  }, 180_000);
});
