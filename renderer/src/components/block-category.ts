/** Block kinds by what they do, for colour: the gallery's thumbnails and the palette use the same. */
import type { BlockType } from '../../../main/graph/types.ts';

export type BlockCategory = 'io' | 'conv' | 'norm' | 'pool' | 'classifier' | 'merge';

export const BLOCK_CATEGORY: Record<BlockType, BlockCategory> = {
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
  flatten: 'classifier',
  dense: 'classifier',
  add: 'merge',
  concat: 'merge',
};
