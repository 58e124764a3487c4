/** How shapes, fields and counts read in messages, tables and the editor. */
import type { GraphTotals, Pair, Shape } from './types.ts';

/** `[28, 28, 1]` reads `28×28×1`. */
export function formatShape(shape: Shape): string {
  return shape.join('×');
}

/** A square field reads `28×28`, as does a rectangular one `5×7`. */
export function formatPair(pair: Pair): string {
  return `${pair[0]}×${pair[1]}`;
}

/** 9896 reads `9,896`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 1536 reads `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A total that may leave blocks out: `9,896`, or `≥ 88` when some blocks are unresolved (their
 * counts unknown), since the true total can only be larger. `format` defaults to formatCount.
 */
export function formatAtLeast(value: number, totals: Pick<GraphTotals, 'unresolved'>, format: (value: number) => string = formatCount): string {
  return totals.unresolved.length > 0 ? `≥ ${format(value)}` : format(value);
}

/** `1 block unresolved`, `3 blocks unresolved`, or empty when every block's counts are known. */
export function describeUnresolved(totals: Pick<GraphTotals, 'unresolved'>): string {
  const count = totals.unresolved.length;
  return count === 0 ? '' : `${count} block${count === 1 ? '' : 's'} unresolved`;
}

/** A total with what it leaves out: `9,896`, or `≥ 88; 1 block unresolved` on a partly broken graph. */
export function formatTotal(value: number, totals: Pick<GraphTotals, 'unresolved'>, format: (value: number) => string = formatCount): string {
  const unresolved = describeUnresolved(totals);
  return unresolved ? `${formatAtLeast(value, totals, format)}; ${unresolved}` : format(value);
}
