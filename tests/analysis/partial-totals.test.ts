/** Totals on a partly broken graph: which blocks they leave out, and how that reads. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { describeUnresolved, formatAtLeast, formatBytes, formatTotal } from '../../main/analysis/format.ts';
import { chainOf, graphOf } from '../support/graphs.ts';

describe('unresolved blocks in the totals', () => {
  it('lists the broken block and everything after it, and counts only the rest', () => {
    // conv1: 1·9·8 = 72 + 8 bias = 80. b2's 9×9 kernel does not fit the 6×6 map.
    const analysis = analyzeGraph(
      chainOf([8, 8, 1], [
        { type: 'conv2d', params: { filters: 8, kernelSize: 3 } },
        { type: 'conv2d', params: { filters: 8, kernelSize: 9 } },
        { type: 'activation' },
        { type: 'flatten' },
        { type: 'output' },
      ]),
    );
    expect(analysis.totals.unresolved).toEqual(['b2', 'b3', 'b4', 'b5']);
    expect(analysis.totals.params).toEqual({ trainable: 80, nonTrainable: 0, total: 80 });
    expect(formatTotal(analysis.totals.params.trainable, analysis.totals)).toBe('≥ 80; 4 blocks unresolved');
  });

  it('lists a block with a bad setting and a block on a cycle', () => {
    const analysis = analyzeGraph(
      graphOf(
        [
          { id: 'in', type: 'input', params: { height: 4, width: 4, channels: 1 } },
          { id: 'bad', type: 'dropout', params: { rate: 2 } },
          { id: 'a', type: 'activation' },
          { id: 'b', type: 'activation' },
          { id: 'out', type: 'output' },
        ],
        [['in', 'bad'], ['a', 'b'], ['b', 'a'], ['bad', 'out']],
      ),
    );
    expect(analysis.totals.unresolved).toEqual(['bad', 'a', 'b', 'out']);
  });

  it('is empty on a valid graph, whose totals read plainly', () => {
    const analysis = analyzeGraph(chainOf([4, 4, 1], [{ type: 'flatten' }, { type: 'dense', params: { units: 2 } }, { type: 'output' }]));
    expect(analysis.totals.unresolved).toEqual([]);
    expect(formatTotal(34, analysis.totals)).toBe('34');
    expect(formatAtLeast(4096, analysis.totals, formatBytes)).toBe('4.0 KiB');
    expect(describeUnresolved(analysis.totals)).toBe('');
  });

  it('reads one block in the singular', () => {
    expect(formatTotal(88, { unresolved: ['conv2'] })).toBe('≥ 88; 1 block unresolved');
    expect(formatAtLeast(2048, { unresolved: ['conv2'] }, formatBytes)).toBe('≥ 2.0 KiB');
  });
});
