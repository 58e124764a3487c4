import type { BlockParams } from '../../graph/types.ts';
import { wholeMapField } from '../receptive-field.ts';
import { pairAtLeast, problems } from '../settings.ts';
import { slide, slideShape } from './convolution.ts';
import { isFeatureMap, type BlockSpec, type ShapeResult } from './spec.ts';

type PoolParams = BlockParams['maxPool2d'];

/** A pooling block seen as a window: no dilation, strides defaulting to the pool size. */
function asWindow(p: PoolParams) {
  return { kernelSize: p.poolSize, strides: p.strides ?? p.poolSize, padding: p.padding, dilation: [1, 1] as [number, number] };
}

function pooling(title: string, summary: string): BlockSpec<'maxPool2d' | 'avgPool2d'> {
  return {
    title,
    doc: {
      summary,
      shape: 'H_out = ⌊(H + pads − k_h) / s⌋ + 1 (s defaults to k), W_out likewise; C unchanged',
      params: 'none',
    },
    inputs: { min: 1, max: 1 },
    checkParams: (p) => problems(pairAtLeast('pool size', p.poolSize, 1), pairAtLeast('stride', p.strides ?? [1, 1], 1)),
    outputShape: (p, [input], upstream): ShapeResult => {
      const result = slideShape(asWindow(p), input!, 'pool window', title, upstream);
      return 'size' in result ? { shape: [...result.size, input![2]!] } : result;
    },
    receptiveField: (p, inputs, fields) => slide(asWindow(p), inputs, fields),
  };
}

export const maxPool2d = pooling('MaxPool2d', 'Keeps the largest value of each k_h×k_w window, per channel.') as BlockSpec<'maxPool2d'>;
export const avgPool2d = pooling('AvgPool2d', 'Averages each k_h×k_w window, per channel.') as BlockSpec<'avgPool2d'>;

export const globalAvgPool: BlockSpec<'globalAvgPool'> = {
  title: 'GlobalAvgPool',
  doc: {
    summary: 'The mean of each channel over the whole map; its receptive field covers the map.',
    shape: 'C (1×1×C with keep 1×1×C)',
    params: 'none',
  },
  inputs: { min: 1, max: 1 },
  checkParams: () => [],
  outputShape: (p, [input], upstream) => {
    if (!isFeatureMap(input!)) return { code: 'needs-feature-map', error: upstream.flatInputMessage('GlobalAvgPool', input!) };
    return { shape: p.keepDims ? [1, 1, input[2]] : [input[2]] };
  },
  receptiveField: (_p, [input], [field]) => wholeMapField(field!, [input![0]!, input![1]!]),
};
