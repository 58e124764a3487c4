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
