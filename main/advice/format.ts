/** How numbers read in advice messages: counts with separators, shares and accuracies in per cent. */
export { formatCount, formatPair } from '../analysis/format.ts';

/** 0.397 reads `40 %`. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** An accuracy of 0.9971 reads `99.71 %`. */
export function formatAccuracy(accuracy: number): string {
  return `${(accuracy * 100).toFixed(2)} %`;
}

/** A difference of two accuracies, 0.0041, reads `0.41 percentage points`. */
export function formatPoints(difference: number): string {
  const points = (difference * 100).toFixed(2);
  return `${points} percentage point${points === '1.00' ? '' : 's'}`;
}

/** A learning rate or loss with three significant digits and no trailing zeros: 0.05, 0.0005, 2.3. */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(3))) : String(value);
}

/** `1 epoch`, `3 epochs`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
