/**
 * Finding a block kind by what one types: its title, or a word people use for it ("relu" finds
 * Activation, "fc" and "linear" find Dense, "residual" finds Add). Used by the palette's search
 * field and by quick-add at the cursor.
 */
import { BLOCKS } from '../../../main/analysis/blocks/index.ts';
import type { BlockType } from '../../../main/graph/types.ts';
import { PALETTE } from './block-defaults.ts';

const ALIASES: Record<BlockType, readonly string[]> = {
  input: ['image', 'in'],
  conv2d: ['convolution', 'conv', 'filters', 'kernel'],
  depthwiseConv2d: ['depthwise', 'separable', 'dw', 'mobilenet'],
  batchNorm: ['bn', 'batch normalization', 'batch normalisation', 'norm'],
  activation: ['relu', 'gelu', 'sigmoid', 'tanh', 'swish', 'mish', 'elu', 'selu', 'leaky', 'nonlinearity'],
  dropout: ['regularise', 'regularize'],
  maxPool2d: ['pool', 'max pooling', 'downsample', 'subsample'],
  avgPool2d: ['average pooling', 'mean pool', 'pool'],
  globalAvgPool: ['gap', 'global average pooling', 'pool'],
  flatten: ['reshape', 'vector'],
  dense: ['fully connected', 'fc', 'linear', 'classifier', 'mlp'],
  add: ['sum', 'residual', 'skip', 'merge', 'plus'],
  concat: ['concatenate', 'join', 'inception', 'merge', 'stack'],
  output: ['softmax', 'logits', 'classes', 'out', 'end'],
};

/** Every kind in palette order. */
export const PALETTE_ORDER: readonly BlockType[] = PALETTE.flatMap((group) => group.types);

/**
 * The kinds matching `query`, best first: title starts with it, then title contains it, then a
 * word for it starts with it, then contains it; palette order within each. Empty query: all.
 */
export function searchBlocks(query: string): BlockType[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...PALETTE_ORDER];
  const rank = (type: BlockType): number => {
    const title = BLOCKS[type].title.toLowerCase();
    if (title.startsWith(q)) return 0;
    if (title.includes(q)) return 1;
    if (ALIASES[type].some((alias) => alias.startsWith(q))) return 2;
    if (ALIASES[type].some((alias) => alias.includes(q))) return 3;
    return Infinity;
  };
  return PALETTE_ORDER.map((type) => ({ type, rank: rank(type) }))
    .filter((entry) => entry.rank < Infinity)
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.type);
}
