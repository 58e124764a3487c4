/**
 * Which of the studio's pooling paddings an ONNX MaxPool or AveragePool computes. ONNX says it
 * with explicit pads, auto_pad and ceil_mode (PyTorch's `MaxPool2d(2, ceil_mode=True)` on an odd
 * map is TensorFlow's "same"); the studio says "valid" or "same". The windows each setting gives,
 * clipped to the image, are compared: equal windows compute equal results, since a max ignores
 * padding and the average counts the pixels inside the image (count_include_pad=0, TensorFlow's
 * rule). An average that counts padded pixels matches only when no window reaches the padding.
 */
import { axisPadding } from '../analysis/conv-arithmetic.ts';

export interface OnnxPoolAxis {
  input: number;
  kernel: number;
  stride: number;
  padBegin: number;
  padEnd: number;
}

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** Output windows [start, end) of one axis, before clipping (starts may be negative). */
function onnxWindows(axis: OnnxPoolAxis, autoPad: AutoPad, ceilMode: boolean): [number, number][] {
  const { input, kernel, stride } = axis;
  let { padBegin, padEnd } = axis;
  let count: number;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    count = Math.ceil(input / stride);
    const total = Math.max((count - 1) * stride + kernel - input, 0);
    padBegin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    padEnd = total - padBegin;
  } else {
    if (autoPad === 'VALID') padBegin = padEnd = 0;
    const span = input + padBegin + padEnd - kernel;
    count = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    // PyTorch's and onnxruntime's rule: the last window must start inside the image or the leading padding.
    if (ceilMode && (count - 1) * stride >= input + padBegin) count -= 1;
  }
  return Array.from({ length: Math.max(count, 0) }, (_, i) => [i * stride - padBegin, i * stride - padBegin + kernel]);
}

function studioWindows(input: number, kernel: number, stride: number, padding: 'valid' | 'same'): [number, number][] {
  const [before, after] = axisPadding(padding, 0, input, kernel, stride);
  const count = Math.floor((input + before + after - kernel) / stride) + 1;
  return Array.from({ length: Math.max(count, 0) }, (_, i) => [i * stride - before, i * stride - before + kernel]);
}

const clipped = (windows: [number, number][], input: number) => windows.map(([s, e]) => `${Math.max(s, 0)}:${Math.min(e, input)}`).join(',');

/**
 * The studio padding whose windows equal the ONNX node's on both axes, or null. `countsPadding`
 * is an AveragePool's count_include_pad=1.
 */
export function matchPoolPadding(axes: [OnnxPoolAxis, OnnxPoolAxis], autoPad: AutoPad, ceilMode: boolean, countsPadding: boolean): 'valid' | 'same' | null {
  const onnx = axes.map((axis) => onnxWindows(axis, autoPad, ceilMode));
  if (countsPadding && onnx.some((windows, a) => windows.some(([s, e]) => s < 0 || e > axes[a]!.input))) return null;
  for (const padding of ['valid', 'same'] as const) {
    const same = axes.every((axis, a) => clipped(studioWindows(axis.input, axis.kernel, axis.stride, padding), axis.input) === clipped(onnx[a]!, axis.input));
    if (same) return padding;
  }
  return null;
}
