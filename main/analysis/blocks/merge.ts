/** Blocks that join branches: Add (residual) and Concat (inception-style). */
import { formatShape } from '../format.ts';
import { mergeFields } from '../receptive-field.ts';
import type { Shape } from '../types.ts';
import type { BlockSpec, ShapeResult } from './spec.ts';

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((v, i) => v === b[i]);

function listShapes(inputs: readonly Shape[]): string {
  return inputs.map(formatShape).join(', ');
}

export const add: BlockSpec<'add'> = {
  title: 'Add',
  doc: {
    summary: 'Element-wise sum of two or more inputs of one shape: the join of a residual connection.',
    shape: 'the inputs\' common shape',
    params: 'none',
  },
  inputs: { min: 2, max: Infinity },
  checkParams: () => [],
  outputShape: (_p, inputs): ShapeResult => {
    const first = inputs[0]!;
    if (inputs.every((shape) => sameShape(shape, first))) return { shape: first };
    const sameButChannels = inputs.every(
      (shape) => shape.length === first.length && shape.slice(0, -1).every((v, i) => v === first[i]),
    );
    return sameButChannels
      ? {
          code: 'channel-mismatch',
          error: `Add needs the same number of channels on every input but gets ${listShapes(inputs)}; a 1×1 Conv2d on the narrower branch can match them`,
        }
      : {
          code: 'shape-mismatch',
          error: `Add needs inputs of one shape but gets ${listShapes(inputs)}`,
        };
  },
  receptiveField: (_p, _inputs, fields) => mergeFields(fields),
};

export const concat: BlockSpec<'concat'> = {
  title: 'Concat',
  doc: {
    summary: 'Joins two or more feature maps along the channels, in the order of their connections.',
    shape: 'H×W×(C_1 + C_2 + …)',
    params: 'none',
  },
  inputs: { min: 2, max: Infinity },
  checkParams: () => [],
  outputShape: (_p, inputs): ShapeResult => {
    const first = inputs[0]!;
    const fits = inputs.every(
      (shape) => shape.length === first.length && shape.slice(0, -1).every((v, i) => v === first[i]),
    );
    if (!fits) {
      return {
        code: 'shape-mismatch',
        error: `Concat joins along channels, so every input needs the same height and width (and rank); it gets ${listShapes(inputs)}`,
      };
    }
    const channels = inputs.reduce((sum, shape) => sum + shape[shape.length - 1]!, 0);
    return { shape: [...first.slice(0, -1), channels] };
  },
  receptiveField: (_p, _inputs, fields) => mergeFields(fields),
};
