/**
 * Honest model selection: the best epoch, the saved "best" model and the plateau schedule look at
 * the validation split, held out of the training images; the test set only reports. A run without
 * a validation split (`validation: "none"`, as a notebook that picks on the test set) falls back
 * to the test set, and says so (`selectedBy: "test"`).
 */
import type { SelectedBy } from './events.ts';

/** What one epoch measured, as far as selection needs it. */
export interface EpochScores {
  validationLoss: number | null;
  validationAccuracy: number | null;
  testLoss: number;
  testAccuracy: number;
}

/** The loss the plateau schedule watches. */
export function monitoredLoss(scores: EpochScores): number {
  return scores.validationLoss ?? scores.testLoss;
}

export interface BestEpoch {
  /** Counted from 1; 0 before any epoch ended. */
  epoch: number;
  selectedBy: SelectedBy;
  validationAccuracy: number | null;
  testAccuracy: number;
}

export const NO_BEST_EPOCH = (selectedBy: SelectedBy): BestEpoch => ({ epoch: 0, selectedBy, validationAccuracy: null, testAccuracy: -1 });

/**
 * `best` after `epoch` ended with `scores`, and whether that epoch is the new best: a higher
 * accuracy on the selecting split (the first of equals stays best, as a checkpoint that only
 * replaces on improvement keeps it).
 */
export function nextBest(best: BestEpoch, epoch: number, scores: EpochScores): { best: BestEpoch; improved: boolean } {
  const score = (b: { validationAccuracy: number | null; testAccuracy: number }) =>
    best.selectedBy === 'validation' ? (b.validationAccuracy ?? -1) : b.testAccuracy;
  const improved = best.epoch === 0 || score(scores) > score(best);
  if (!improved) return { best, improved };
  return { best: { epoch, selectedBy: best.selectedBy, validationAccuracy: scores.validationAccuracy, testAccuracy: scores.testAccuracy }, improved };
}
