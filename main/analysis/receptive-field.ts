/**
 * Receptive-field arithmetic (Araujo, Norris and Sim, "Computing Receptive Fields of
 * Convolutional Neural Networks", Distill 2019), run forward from the input, per axis.
 */
import type { Pair, ReceptiveField } from './types.ts';

/** A single input pixel: the field of the image itself. */
export const PIXEL_FIELD: ReceptiveField = { size: [1, 1], jump: [1, 1], start: [0, 0] };

/** After a window of `span` pixels (dilation included) with `stride`, padded by `padBefore`. */
export function slideField(field: ReceptiveField, span: Pair, stride: Pair, padBefore: Pair): ReceptiveField {
  const axis = (i: 0 | 1) => ({
    size: field.size[i] + (span[i] - 1) * field.jump[i],
    jump: field.jump[i] * stride[i],
    start: field.start[i] - padBefore[i] * field.jump[i],
  });
  const h = axis(0);
  const w = axis(1);
  return { size: [h.size, w.size], jump: [h.jump, w.jump], start: [h.start, w.start] };
}

/** The field of a block that combines every position of an H×W map (global pooling, Flatten). */
export function wholeMapField(field: ReceptiveField, mapSize: Pair): ReceptiveField {
  return slideField(field, mapSize, [1, 1], [0, 0]);
}

/**
 * Where branches merge, a unit sees what any branch sees: the union of their fields. Jumps
 * should agree for the shapes to match; the largest is kept as the worst case.
 */
export function mergeFields(fields: readonly ReceptiveField[]): ReceptiveField {
  const axis = (i: 0 | 1) => {
    let first = Infinity;
    let last = -Infinity;
    let jump = 0;
    for (const f of fields) {
      first = Math.min(first, f.start[i]);
      last = Math.max(last, f.start[i] + f.size[i] - 1);
      jump = Math.max(jump, f.jump[i]);
    }
    return { size: last - first + 1, jump, start: first };
  };
  const h = axis(0);
  const w = axis(1);
  return { size: [h.size, w.size], jump: [h.jump, w.jump], start: [h.start, w.start] };
}
