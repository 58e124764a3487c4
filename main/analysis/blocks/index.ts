/** Every block kind the analysis knows, by type. */
import type { BlockType } from '../../graph/types.ts';
import { conv2d, depthwiseConv2d } from './convolution.ts';
import { dense, flatten } from './dense.ts';
import { activation, batchNorm, dropout } from './elementwise.ts';
import { input, output } from './io.ts';
import { add, concat } from './merge.ts';
import { avgPool2d, globalAvgPool, maxPool2d } from './pooling.ts';
import type { BlockSpec } from './spec.ts';

export const BLOCKS: { [K in BlockType]: BlockSpec<K> } = {
  input,
  conv2d,
  depthwiseConv2d,
  batchNorm,
  activation,
  dropout,
  maxPool2d,
  avgPool2d,
  globalAvgPool,
  flatten,
  dense,
  add,
  concat,
  output,
};

export type { BlockSpec } from './spec.ts';
