/** Finding a block by its title or by the words people use for it. */
import { describe, expect, it } from 'vitest';
import { PALETTE_ORDER, searchBlocks } from '../../renderer/src/editor/block-search.ts';

describe('searching blocks', () => {
  it.each([
    ['conv', ['conv2d', 'depthwiseConv2d']],
    ['relu', ['activation']],
    ['bn', ['batchNorm']],
    ['fc', ['dense']],
    ['linear', ['dense']],
    ['residual', ['add']],
    ['gap', ['globalAvgPool']],
    ['pool', ['maxPool2d', 'avgPool2d', 'globalAvgPool']],
  ])('"%s" finds %j first', (query, first) => {
    expect(searchBlocks(query).slice(0, first.length)).toEqual(first);
  });

  it('lists every block for an empty query, in palette order, and nothing for nonsense', () => {
    expect(searchBlocks('  ')).toEqual(PALETTE_ORDER);
    expect(searchBlocks('zzz')).toEqual([]);
  });

  it('ignores case', () => {
    expect(searchBlocks('BatchN')).toEqual(['batchNorm']);
  });
});
