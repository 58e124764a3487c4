/**
 * Telling that a run diverged: its loss is no longer a finite number. Once a weight is NaN or
 * infinite, every later batch computes NaN too, so the run stops at the first such loss and says
 * where, rather than train on and end "finished" with no test loss (a run at `--lr 1e30` did).
 */
import type { DivergedEvent } from './events.ts';

export interface DivergencePoint {
  /** Counted from 1. */
  epoch: number;
  /** Counted from 1; null for an evaluation after the epoch. */
  batch: number | null;
  /** Which evaluation, when `batch` is null; default the test split. */
  split?: 'validation' | 'test';
  batches: number;
  /** The learning rate the diverging step used. */
  learningRate: number;
}

/** The `diverged` event for a loss that is not finite, or null while the loss is a number. */
export function divergence(loss: number, at: DivergencePoint): DivergedEvent | null {
  if (Number.isFinite(loss)) return null;
  const spelled = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity';
  const where = at.batch === null ? `the ${at.split ?? 'test'} loss after epoch ${at.epoch}` : `the training loss in epoch ${at.epoch}, batch ${at.batch} of ${at.batches},`;
  const rate = Number(at.learningRate.toPrecision(3));
  return {
    type: 'diverged',
    epoch: at.epoch,
    batch: at.batch,
    loss: spelled,
    learningRate: at.learningRate,
    message: `${where} became ${spelled} at learning rate ${rate}; lower the learning rate (try ${Number((rate / 10).toPrecision(3))}) and train again`,
  };
}
