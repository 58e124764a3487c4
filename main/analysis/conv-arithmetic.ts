/**
 * Sliding-window arithmetic shared by convolutions and pooling, per spatial axis, following
 * TensorFlow's conventions (which the compiled models use).
 */
import type { Padding } from '../graph/types.ts';

/** The span a dilated kernel covers: 3 taps with dilation 2 cover 5 pixels. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/**
 * Padding before and after one axis. "same" pads so that the output is ceil(input / stride),
 * putting the odd pixel after, as TensorFlow does.
 */
export function axisPadding(
  padding: Padding,
  axis: 0 | 1,
  inputLength: number,
  span: number,
  stride: number,
): [before: number, after: number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    const output = Math.ceil(inputLength / stride);
    const total = Math.max((output - 1) * stride + span - inputLength, 0);
    const before = Math.floor(total / 2);
    return [before, total - before];
  }
  return axis === 0 ? [padding[0], padding[1]] : [padding[2], padding[3]];
}

/** Output length of a window of `span` pixels moved by `stride` over a padded axis; ≤ 0 when it does not fit. */
export function windowOutputLength(inputLength: number, span: number, stride: number, before: number, after: number): number {
  const padded = inputLength + before + after;
  if (padded < span) return padded - span + 1;
  return Math.floor((padded - span) / stride) + 1;
}
