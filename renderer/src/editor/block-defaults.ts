/** What a block dropped from the palette starts with: settings that make sense for a small CNN. */
import type { BlockParams, BlockType } from '../../../main/graph/types.ts';

export const BLOCK_DEFAULTS: { [K in BlockType]: BlockParams[K] } = {
  input: { height: 28, width: 28, channels: 1 },
  conv2d: { filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', dilation: [1, 1], useBias: false },
  depthwiseConv2d: { kernelSize: [3, 3], depthMultiplier: 1, strides: [1, 1], padding: 'same', dilation: [1, 1], useBias: false },
  batchNorm: { momentum: 0.9, epsilon: 1e-5 },
  activation: { function: 'relu', alpha: 0.01 },
  dropout: { rate: 0.1 },
  maxPool2d: { poolSize: [2, 2], padding: 'valid' },
  avgPool2d: { poolSize: [2, 2], padding: 'valid' },
  globalAvgPool: { keepDims: false },
  flatten: {},
  dense: { units: 10, useBias: true },
  add: {},
  concat: {},
  output: { activation: 'softmax' },
};

/** Palette order and grouping. */
export const PALETTE: { group: string; types: BlockType[] }[] = [
  { group: 'Input / output', types: ['input', 'output'] },
  { group: 'Convolution', types: ['conv2d', 'depthwiseConv2d'] },
  { group: 'Normalise and regularise', types: ['batchNorm', 'activation', 'dropout'] },
  { group: 'Pooling', types: ['maxPool2d', 'avgPool2d', 'globalAvgPool'] },
  { group: 'Classifier', types: ['flatten', 'dense'] },
  { group: 'Merge', types: ['add', 'concat'] },
];

/** Short id prefixes, so new blocks get readable ids: conv1, bn2, … */
export const ID_PREFIX: Record<BlockType, string> = {
  input: 'input',
  conv2d: 'conv',
  depthwiseConv2d: 'dwconv',
  batchNorm: 'bn',
  activation: 'act',
  dropout: 'dropout',
  maxPool2d: 'pool',
  avgPool2d: 'avgpool',
  globalAvgPool: 'gap',
  flatten: 'flatten',
  dense: 'dense',
  add: 'add',
  concat: 'concat',
  output: 'output',
};
