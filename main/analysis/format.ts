/** How shapes, fields and counts read in messages, tables and the editor. */
import type { Pair, Shape } from './types.ts';

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
