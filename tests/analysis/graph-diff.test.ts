import { describe, expect, it } from 'vitest';
import { describeDiff, diffGraphs, isEmptyDiff } from '../../main/analysis/graph-diff.ts';
import { chainOf } from '../support/graphs.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

const round = (n: number) => loadPreset(journeyPath(n));

describe('what changed between two rounds of the journey', () => {
  it('round 7 → 9: dropout added after every block, nothing removed', () => {
    const diff = diffGraphs(round(7), round(9));
    expect(diff.added.map((b) => b.id)).toEqual(['dropout1', 'dropout2', 'dropout3', 'dropout4', 'dropout5', 'dropout6']);
    expect(diff.added[0]!.description).toBe('Dropout rate 0.1');
    expect(diff.removed).toEqual([]);
    expect(diff.training).toEqual([{ key: 'augment.rotate', before: 0, after: 7 }]);
  });

  it('round 9 → 10: the same blocks, a new learning rate and schedule, said in words', () => {
    const diff = diffGraphs(round(9), round(10));
    expect(diff.added).toEqual([]);
    expect(diff.changed).toEqual([]);
    expect(describeDiff(diff)).toEqual(['~ training: learning rate 0.01 → 0.05; schedule constant → step (StepLR): ×0.1 every 6 epochs']);
  });

  it('says every new training setting in its unit', () => {
    const before = round(10);
    const after = {
      ...before,
      training: {
        ...before.training!,
        optimizer: 'adamw' as const,
        weightDecay: 0.05,
        labelSmoothing: 0.1,
        init: 'kaimingNormal' as const,
        validation: 'none' as const,
        warmup: { epochs: 2, startFactor: 0.1 },
        augment: { ...before.training!.augment, scale: 0.1, shear: 5, erase: 0.5, eraseArea: [0.02, 0.2] as [number, number] },
        schedule: { type: 'oneCycle' as const, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95 },
      },
    };
    expect(describeDiff(diffGraphs(before, after))).toEqual([
      '~ training: validation split auto (a twelfth, at most 5,000) → none (best epoch on the test set); optimizer SGD → AdamW; weight decay none → 0.05; ' +
        'label smoothing none → 0.1; initialisation Glorot uniform → Kaiming normal; schedule step (StepLR): ×0.1 every 6 epochs → one-cycle: 30 % rising from the rate / 25, ending at that / 10,000, momentum cycled 0.95–0.85; ' +
        'warm-up none → 2 epochs; warm-up start 0.333333 × the rate → 0.1 × the rate; scale ±0 % → ±10 %; shear ±0° → ±5°; random erasing off → 50 % of images; erased area 2 %–33 % of the image → 2 %–20 % of the image',
    ]);
  });

  it('round 5 → 6: the 7×7 conv replaced by average pooling, and a conv made narrower', () => {
    const diff = diffGraphs(round(5), round(6));
    expect(diff.added.map((b) => b.id)).toEqual(['avgpool1']);
    expect(diff.removed.map((b) => b.id)).toEqual(['bn7', 'relu7', 'conv8']);
    expect(diff.changed).toEqual([{ id: 'conv5', type: 'conv2d', description: 'Conv2d 3×3, 8 filters, no bias', changes: [{ key: 'filters', before: 16, after: 8 }] }]);
    expect(diff.edgesAdded.length + diff.edgesRemoved.length).toBeGreaterThan(0);
  });

  it('finds nothing between a design and itself', () => {
    expect(isEmptyDiff(diffGraphs(round(3), round(3)))).toBe(true);
  });
});

describe('settings spelled differently with the same meaning', () => {
  it('are no change: zero padding and "valid", pool strides left out and equal to the pool size, an unused alpha', () => {
    const before = chainOf([8, 8, 1], [
      { type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 0 } },
      { type: 'maxPool2d', params: { poolSize: 2 } },
      { type: 'activation', params: { function: 'relu', alpha: 0.3 } },
      { type: 'batchNorm', params: { center: true } },
    ]);
    const after = chainOf([8, 8, 1], [
      { type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 'valid' } },
      { type: 'maxPool2d', params: { poolSize: 2, strides: 2 } },
      { type: 'activation', params: { function: 'relu' } },
      { type: 'batchNorm' },
    ]);
    expect(describeDiff(diffGraphs(before, after))).toEqual([]);
  });

  it('still shows a real change in each', () => {
    const before = chainOf([8, 8, 1], [{ type: 'maxPool2d', params: { poolSize: 2 } }, { type: 'activation', params: { function: 'leakyRelu', alpha: 0.3 } }]);
    const after = chainOf([8, 8, 1], [{ type: 'maxPool2d', params: { poolSize: 2, strides: 1 } }, { type: 'activation', params: { function: 'leakyRelu', alpha: 0.1 } }]);
    expect(describeDiff(diffGraphs(before, after))).toEqual(['~ b1: strides [2,2] → [1,1]', '~ b2: alpha 0.3 → 0.1']);
  });
});
