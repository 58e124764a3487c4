/**
 * The training loss by batch, from the batch events. Each event carries the running mean of the
 * epoch so far (main/train/events.ts), which drops at every epoch boundary and smooths the
 * curve more and more as the epoch goes on. The mean loss of the batches since the previous
 * event is exact instead: a running mean times the images it covers is their sum, so
 *
 *   mean(since previous) = (loss × imagesDone − loss′ × imagesDone′) / (imagesDone − imagesDone′)
 *
 * with ′ the previous event of the same epoch. With about ten events a second this is the
 * per-batch loss for slow batches and a short-window mean for fast ones.
 */
import type { BatchEvent } from '../../../main/train/events.ts';

export type BatchReport = Pick<BatchEvent, 'epoch' | 'batch' | 'batches' | 'imagesDone' | 'loss'>;

/** The mean loss of the batches between `previous` and `event`; `previous` null or from another epoch means from the epoch's start. */
export function lossSincePrevious(previous: BatchReport | null, event: BatchReport): number {
  if (!previous || previous.epoch !== event.epoch || previous.imagesDone >= event.imagesDone) return event.loss;
  return (event.loss * event.imagesDone - previous.loss * previous.imagesDone) / (event.imagesDone - previous.imagesDone);
}

/** The batch's position in the whole run, counting from 1: the chart's x. */
export function globalBatch(event: Pick<BatchEvent, 'epoch' | 'batch' | 'batches'>): number {
  return (event.epoch - 1) * event.batches + event.batch;
}
