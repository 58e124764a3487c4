/** The colour family of each kind of block on the canvas, as in Deep Network Designer's legend. */
import type { BlockType } from '../../../../main/graph/types.ts';

export type BlockFamily = 'io' | 'conv' | 'norm' | 'pool' | 'dense' | 'merge';

export const BLOCK_FAMILY: Record<BlockType, BlockFamily> = {
  input: 'io',
  output: 'io',
  conv2d: 'conv',
  depthwiseConv2d: 'conv',
  batchNorm: 'norm',
  activation: 'norm',
  dropout: 'norm',
  maxPool2d: 'pool',
  avgPool2d: 'pool',
  globalAvgPool: 'pool',
  flatten: 'dense',
  dense: 'dense',
  add: 'merge',
  concat: 'merge',
};
