/**
 * The largest block the analysis counts. The loader caps every setting (graph/limits.ts), but
 * blocks multiply: a Dense after a Flatten of a large map, depthwise multipliers or Concats
 * stacked, strides that keep multiplying the receptive field's jump on a 1×1 map. Past these
 * limits the numbers would stop being exact (or become Infinity), and TensorFlow.js could not
 * allocate the tensors anyway, so such a block is an error (`too-large`) and nothing downstream of
 * it is analysed. Each limit times MAX_NODES stays below 2^53, so every total is exact too.
 */
import { formatLimit } from '../graph/limits.ts';
import type { NodeAnalysis } from './types.ts';

/** Values in one block's output, per sample (TensorFlow.js indexes tensors with 32-bit integers). */
export const MAX_BLOCK_VALUES = 2 ** 31;
/** Trainable plus non-trainable parameters of one block. */
export const MAX_BLOCK_PARAMS = 2 ** 31;
/** Multiply-accumulates of one block, per sample: about a trillion. */
export const MAX_BLOCK_MACS = 2 ** 40;
/** Receptive-field size, jump and reach before the image (start), pixels. */
export const MAX_FIELD_PIXELS = 2 ** 40;

// The fix each message offers depends on what the block is: a Dense has units, not filters.
const VALUES_FIX: Partial<Record<string, string>> = {
  input: 'use fewer channels or a smaller input',
  conv2d: 'use fewer filters, a stride, or pool before it',
  depthwiseConv2d: 'use a smaller depth multiplier, a stride, or pool before it',
  dense: 'use fewer units',
  concat: 'use fewer channels in the branches it joins',
};
const PARAMS_FIX: Partial<Record<string, string>> = {
  conv2d: 'use fewer filters, a smaller kernel, or fewer channels before it',
  depthwiseConv2d: 'use a smaller depth multiplier or kernel',
  dense: 'use fewer units, or pool before the Flatten that feeds it',
};
const MACS_FIX: Partial<Record<string, string>> = {
  conv2d: 'use fewer filters, or a stride or pooling before it',
  depthwiseConv2d: 'use a smaller depth multiplier, or a stride or pooling before it',
};

/** Why a block's counts are beyond what the studio handles, or nothing. */
export function sizeProblem(result: NodeAnalysis): string | undefined {
  const params = result.params.trainable + result.params.nonTrainable;
  if (!(result.activations <= MAX_BLOCK_VALUES)) {
    return `this block's output holds ${count(result.activations)} values per sample, more than the ${formatLimit(MAX_BLOCK_VALUES)} CNN Studio can handle; ${VALUES_FIX[result.type] ?? 'use fewer channels or a smaller input'}`;
  }
  if (!(params <= MAX_BLOCK_PARAMS)) {
    return `this block has ${count(params)} parameters, more than the ${formatLimit(MAX_BLOCK_PARAMS)} CNN Studio can handle; ${PARAMS_FIX[result.type] ?? 'use fewer channels before it'}`;
  }
  if (!(result.macs <= MAX_BLOCK_MACS)) {
    const fix = MACS_FIX[result.type];
    return `this block takes ${count(result.macs)} multiply-accumulates per sample, more than the ${formatLimit(MAX_BLOCK_MACS)} CNN Studio can handle${fix ? `; ${fix}` : ''}`;
  }
  const field = result.receptiveField;
  if (field) {
    const widest = Math.max(...field.size, ...field.jump, ...field.start.map(Math.abs));
    if (!(widest <= MAX_FIELD_PIXELS)) {
      return `the receptive field here spans ${count(widest)} pixels, more than the ${formatLimit(MAX_FIELD_PIXELS)} CNN Studio can count; this many strides have long run out of image`;
    }
  }
  return undefined;
}

/** Counts past 2^53 are no longer exact; say so rather than print false digits. */
function count(value: number): string {
  return Number.isSafeInteger(value) ? formatLimit(value) : `about ${value.toPrecision(3)}`;
}
