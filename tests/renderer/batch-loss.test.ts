/** The loss-by-batch chart plots what the batches scored, not the epoch's running mean. */
import { describe, expect, it } from 'vitest';
import { globalBatch, lossSincePrevious, type BatchReport } from '../../renderer/src/training/batch-loss.ts';

/** Batch events as the trainer makes them: running means over the epoch, reported at some batches only. */
function reports(losses: number[][], batchSize: number, lastBatch: number, reportAt: (batch: number) => boolean): BatchReport[] {
  const out: BatchReport[] = [];
  losses.forEach((epoch, e) => {
    let sum = 0;
    let seen = 0;
    epoch.forEach((loss, b) => {
      const size = b === epoch.length - 1 ? lastBatch : batchSize;
      sum += loss * size;
      seen += size;
      if (reportAt(b + 1) || b === epoch.length - 1) out.push({ epoch: e + 1, batch: b + 1, batches: epoch.length, imagesDone: seen, loss: sum / seen });
    });
  });
  return out;
}

describe('the loss by batch', () => {
  it('is each batch’s own loss when every batch is reported, across the epoch boundary', () => {
    const losses = [[2.3, 1.9, 1.2, 0.8], [0.7, 0.9, 0.5, 0.6]];
    const events = reports(losses, 32, 16, () => true);
    const plotted = events.map((event, i) => lossSincePrevious(events[i - 1] ?? null, event));
    plotted.forEach((value, i) => expect(value).toBeCloseTo(losses.flat()[i]!, 10));
    // The running mean would have plotted 1.55 at the last batch of epoch 1 and jumped to 0.7: not the batches' losses.
    expect(events[3]!.loss).not.toBeCloseTo(0.8, 2);
  });

  it('is the mean of the batches since the previous report when only some are reported', () => {
    const losses = [[1, 2, 3, 4, 5, 6]];
    const events = reports(losses, 10, 10, (b) => b % 3 === 0);
    expect(events.map((e) => e.batch)).toEqual([3, 6]);
    expect(lossSincePrevious(null, events[0]!)).toBeCloseTo(2);
    expect(lossSincePrevious(events[0]!, events[1]!)).toBeCloseTo(5);
  });

  it('counts batches through the run for the x axis', () => {
    expect(globalBatch({ epoch: 1, batch: 1, batches: 20 })).toBe(1);
    expect(globalBatch({ epoch: 3, batch: 5, batches: 20 })).toBe(45);
  });
});
