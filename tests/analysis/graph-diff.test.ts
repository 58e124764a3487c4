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

  it('round 9 → 10: the same blocks, a new learning rate and schedule', () => {
    const diff = diffGraphs(round(9), round(10));
    expect(diff.added).toEqual([]);
    expect(diff.changed).toEqual([]);
    expect(describeDiff(diff)).toEqual(['~ training: learningRate 0.01 → 0.05, schedule.type "constant" → "step", schedule.stepSize none → 6, schedule.gamma none → 0.1']);
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
