import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { chainOf, graphOf } from '../support/graphs.ts';

describe('receptive field on chains', () => {
  it('grows by (k - 1) × jump per conv and multiplies the jump by the stride', () => {
    const analysis = analyzeGraph(
      chainOf([28, 28, 1], [
        { type: 'conv2d', params: { filters: 1, kernelSize: 3 } }, // 3, jump 1
        { type: 'maxPool2d' }, // 4, jump 2
        { type: 'conv2d', params: { filters: 1, kernelSize: 3 } }, // 8, jump 2
        { type: 'conv2d', params: { filters: 1, kernelSize: 3, dilation: 2 } }, // span 5: 8 + 4×2 = 16
      ]),
    );
    expect(analysis.nodes.b1!.receptiveField).toEqual({ size: [3, 3], jump: [1, 1], start: [0, 0] });
    expect(analysis.nodes.b2!.receptiveField).toEqual({ size: [4, 4], jump: [2, 2], start: [0, 0] });
    expect(analysis.nodes.b3!.receptiveField).toEqual({ size: [8, 8], jump: [2, 2], start: [0, 0] });
    expect(analysis.nodes.b4!.receptiveField).toEqual({ size: [16, 16], jump: [2, 2], start: [0, 0] });
  });

  it('moves the start left by the padding, in input pixels', () => {
    const analysis = analyzeGraph(
      chainOf([28, 28, 1], [
        { type: 'conv2d', params: { filters: 1, kernelSize: 3, strides: 2, padding: 'same' } }, // same on 28, stride 2: pad 0 before, 1 after
        { type: 'conv2d', params: { filters: 1, kernelSize: 3, padding: 1 } },
      ]),
    );
    expect(analysis.nodes.b1!.receptiveField).toEqual({ size: [3, 3], jump: [2, 2], start: [0, 0] });
    expect(analysis.nodes.b2!.receptiveField).toEqual({ size: [7, 7], jump: [2, 2], start: [-2, -2] });
  });

  it('treats axes separately', () => {
    const analysis = analyzeGraph(chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 1, kernelSize: [1, 5], strides: [2, 1] } }]));
    expect(analysis.nodes.b1!.receptiveField).toEqual({ size: [1, 5], jump: [2, 1], start: [0, 0] });
  });
});

describe('receptive field on a DAG, worked by hand', () => {
  //  in 28×28 ─┬─ a: conv 3×3 valid (26) ── p: maxpool 2 (13) ─┬─ add ── c: conv 3×3 (11) ── gap
  //            └─ b: conv 5×5 stride 2, padding 1 (13) ────────┘
  // a: size 3, jump 1, start 0.  p: size 3 + 1 = 4, jump 2, start 0 → covers pixels 0..3.
  // b: size 5, jump 2, start -1 → covers pixels -1..3.
  // add: the union, -1..3 → size 5, jump 2, start -1.
  // c: 5 + 2 × 2 = 9, jump 2, start -1.   gap over 11×11: 9 + 10 × 2 = 29, start -1.
  const graph = graphOf(
    [
      { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } },
      { id: 'a', type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
      { id: 'p', type: 'maxPool2d' },
      { id: 'b', type: 'conv2d', params: { filters: 4, kernelSize: 5, strides: 2, padding: 1 } },
      { id: 'add', type: 'add' },
      { id: 'c', type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
      { id: 'gap', type: 'globalAvgPool' },
      { id: 'out', type: 'output' },
    ],
    [['in', 'a'], ['a', 'p'], ['in', 'b'], ['p', 'add'], ['b', 'add'], ['add', 'c'], ['c', 'gap'], ['gap', 'out']],
  );
  const analysis = analyzeGraph(graph);

  it('analyses the graph without problems', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.nodes.add!.outputShape).toEqual([13, 13, 4]);
  });

  it('takes the union of the branches at the merge', () => {
    expect(analysis.nodes.p!.receptiveField).toEqual({ size: [4, 4], jump: [2, 2], start: [0, 0] });
    expect(analysis.nodes.b!.receptiveField).toEqual({ size: [5, 5], jump: [2, 2], start: [-1, -1] });
    expect(analysis.nodes.add!.receptiveField).toEqual({ size: [5, 5], jump: [2, 2], start: [-1, -1] });
  });

  it('carries the merged field on through conv and global pooling', () => {
    expect(analysis.nodes.c!.receptiveField).toEqual({ size: [9, 9], jump: [2, 2], start: [-1, -1] });
    expect(analysis.receptiveField).toEqual({ size: [29, 29], jump: [2, 2], start: [-1, -1] });
  });
});

describe('receptive field on Concat', () => {
  it('takes the widest branch', () => {
    const graph = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 16, width: 16, channels: 3 } },
        { id: 'one', type: 'conv2d', params: { filters: 2, kernelSize: 1 } },
        { id: 'five', type: 'conv2d', params: { filters: 3, kernelSize: 5, padding: 'same' } },
        { id: 'cat', type: 'concat' },
      ],
      [['in', 'one'], ['in', 'five'], ['one', 'cat'], ['five', 'cat']],
    );
    const analysis = analyzeGraph(graph);
    expect(analysis.nodes.cat!.outputShape).toEqual([16, 16, 5]);
    expect(analysis.nodes.cat!.receptiveField).toEqual({ size: [5, 5], jump: [1, 1], start: [-2, -2] });
  });
});
