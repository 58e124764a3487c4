/** Reading a run's epochs: the last few, averaged, leaving out values that are not numbers. */
import type { EpochEvent } from '../train/events.ts';

/** The last `count` epochs whose `pick`ed values are all finite numbers. */
export function lastFinite(epochs: readonly EpochEvent[], count: number, pick: (e: EpochEvent) => number[]): EpochEvent[] {
  const finite = epochs.filter((e) => pick(e).every(Number.isFinite));
  return finite.slice(-Math.max(1, Math.floor(count)));
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** `the last 3 epochs`, `the last epoch`. */
export function describeWindow(count: number): string {
  return count === 1 ? 'the last epoch' : `the last ${count} epochs`;
}

/**
 * An epoch's train accuracy for judging fit: the clean pass (no dropout, no augmentation) when the
 * run measured one, else the running figure measured while they acted (runs before the clean pass).
 */
export function trainFigure(e: EpochEvent): number {
  return e.cleanTrainAccuracy ?? e.trainAccuracy;
}

/** An epoch's accuracy on images it did not train on: validation, or test for a run without a split. */
export function heldOutFigure(e: EpochEvent): number {
  return e.validationAccuracy ?? e.testAccuracy;
}

/** How the figures of `e` read in a note: "train accuracy (clean pass)", "validation accuracy". */
export function figureNames(e: EpochEvent): { train: string; heldOut: string } {
  return {
    train: e.cleanTrainAccuracy !== null ? 'train accuracy (clean pass)' : 'train accuracy (measured while dropout and augmentation act)',
    heldOut: e.validationAccuracy !== null ? 'validation accuracy' : 'test accuracy',
  };
}
