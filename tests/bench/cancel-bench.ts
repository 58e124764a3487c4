/**
 * How long Stop takes: from cancel() to the run's final `cancelled` event, for a real training
 * process on wasm (journey round 10, batch 256, 5,000 test images), at three moments. A cancel
 * lands at the next batch; during the test evaluation there is no next batch for a while, so the
 * controller's grace period ends in a kill. The target: under a second every time.
 */
import type { BatchEvent } from '../../main/train/events.ts';
import { CANCEL_GRACE_MS } from '../../main/train/worker/controller.ts';
import { quickSettings, startWorker } from '../support/training.ts';

export interface CancelBenchRow {
  moment: string;
  latenciesMs: number[];
  outcome: string;
}

const MOMENTS: [string, (event: BatchEvent) => boolean][] = [
  ['at the first batch', (e) => e.epoch === 1],
  ['in the middle of epoch 2', (e) => e.epoch === 2 && e.batch > e.batches / 2],
  [`during the test evaluation (killed after the ${CANCEL_GRACE_MS} ms grace)`, (e) => e.batch === e.batches],
];

export async function runCancelBench(repeats = 3): Promise<CancelBenchRow[]> {
  const rows: CancelBenchRow[] = [];
  for (const [moment, cancelAt] of MOMENTS) {
    const latenciesMs: number[] = [];
    const outcomes = new Set<string>();
    for (let i = 0; i < repeats; i++) {
      let cancelledAt = 0;
      const { handle } = startWorker(quickSettings({ epochs: 50, batchSize: 256, limit: 5000 }), (event, h) => {
        if (event.type === 'batch' && cancelledAt === 0 && cancelAt(event)) {
          cancelledAt = performance.now();
          h.cancel();
        }
      });
      const final = await handle.done;
      latenciesMs.push(performance.now() - cancelledAt);
      outcomes.add(final.type);
    }
    rows.push({ moment, latenciesMs, outcome: [...outcomes].join(', ') });
  }
  return rows;
}
