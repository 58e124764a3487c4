/**
 * Every diagnostic message, one case each, read whole: a message that suggests a fix must name
 * what is actually there ("remove the Flatten before it" needs a Flatten before it) and offer only
 * fixes that apply to this block.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { chainOf, graphOf, type RawNode } from '../support/graphs.ts';

/** The message of the one diagnostic with this code. */
function message(graph: GraphDocument, code: string): string {
  const found = analyzeGraph(graph).diagnostics.filter((d) => d.code === code);
  expect(found, code).toHaveLength(1);
  return found[0]!.message;
}

const map = (...blocks: Omit<RawNode, 'id'>[]) => chainOf([8, 8, 4], blocks);
const conv = (params: Record<string, unknown> = {}) => ({ type: 'conv2d', params: { filters: 2, kernelSize: 3, ...params } });

describe('needs-feature-map names the block that made the vector flat', () => {
  it('GlobalAvgPool without "keep 1×1" before a Conv2d: turn on keep 1×1, not "remove the Flatten" (issue 11, 13)', () => {
    const text = message(map({ type: 'globalAvgPool' }, conv({ kernelSize: 1 })), 'needs-feature-map');
    expect(text).toBe(
      'Conv2d needs a feature map (height×width×channels) but gets a flat vector of 4 from b1 (GlobalAvgPool); ' +
        'turn on "keep 1×1" on b1 so that it gives a 1×1×4 map',
    );
    expect(text).not.toContain('Flatten');
  });

  it('a Flatten, seen through the activation after it, before a MaxPool2d', () => {
    expect(message(map({ type: 'flatten' }, { type: 'activation' }, { type: 'maxPool2d' }), 'needs-feature-map')).toBe(
      'MaxPool2d needs a feature map (height×width×channels) but gets a flat vector of 256 from b1 (Flatten); move this block before b1, or remove b1',
    );
  });

  it('a Dense before a DepthwiseConv2d', () => {
    expect(message(map({ type: 'flatten' }, { type: 'dense', params: { units: 4 } }, { type: 'depthwiseConv2d', params: { kernelSize: 3 } }), 'needs-feature-map')).toBe(
      'DepthwiseConv2d needs a feature map (height×width×channels) but gets a flat vector of 4 from b2 (Dense); ' +
        'move this block before b2, or use a 1×1 Conv2d in place of b2 to keep a map',
    );
  });

  it('a GlobalAvgPool before another, across an Add of two flat branches', () => {
    const graph = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 4 } },
        { id: 'gap', type: 'globalAvgPool' },
        { id: 'bn', type: 'batchNorm' },
        { id: 'sum', type: 'add' },
        { id: 'gap2', type: 'globalAvgPool' },
      ],
      [['in', 'gap'], ['gap', 'bn'], ['gap', 'sum'], ['bn', 'sum'], ['sum', 'gap2']],
    );
    expect(message(graph, 'needs-feature-map')).toBe(
      'GlobalAvgPool needs a feature map (height×width×channels) but gets a flat vector of 4 from gap (GlobalAvgPool); turn on "keep 1×1" on gap so that it gives a 1×1×4 map',
    );
  });
});

describe('needs-flat-input names where the map comes from', () => {
  it('Dense after a convolution and an activation', () => {
    expect(message(map(conv(), { type: 'activation' }, { type: 'dense', params: { units: 2 } }), 'needs-flat-input')).toBe(
      'Dense needs a flat vector but gets 6×6×2 from b1 (Conv2d); add Flatten or GlobalAvgPool before it',
    );
  });

  it('the output after a GlobalAvgPool that keeps 1×1: turn that off', () => {
    expect(message(map({ type: 'globalAvgPool', params: { keepDims: true } }, { type: 'output' }), 'needs-flat-input')).toBe(
      'the output needs a flat vector of class scores but gets 1×1×4 from b1 (GlobalAvgPool, keep 1×1); turn off "keep 1×1" on b1, or add Flatten before this block',
    );
  });

  it('Dense straight after the Input block', () => {
    expect(message(chainOf([4, 4, 1], [{ type: 'dense', params: { units: 2 } }]), 'needs-flat-input')).toBe(
      'Dense needs a flat vector but gets 4×4×1 from in (Input); add Flatten or GlobalAvgPool before it',
    );
  });
});

describe('spatial-too-small offers only the fixes that apply', () => {
  it('right after the input: no "fewer pooling steps", since there are none', () => {
    expect(message(chainOf([3, 3, 1], [conv({ kernelSize: 7 })]), 'spatial-too-small')).toBe(
      "the 7×7 kernel does not fit the 3×3 input; use a smaller kernel or 'same' padding",
    );
  });

  it('after a pooling step: less downsampling is a fix', () => {
    expect(message(chainOf([8, 8, 1], [{ type: 'maxPool2d' }, conv({ kernelSize: 7 })]), 'spatial-too-small')).toBe(
      "the 7×7 kernel does not fit the 4×4 input; use a smaller kernel, 'same' padding or less downsampling (pooling or strides) before it",
    );
  });

  it('a dilated kernel: says its taps and its span, and offers less dilation', () => {
    expect(message(chainOf([6, 6, 1], [conv({ dilation: 3 })]), 'spatial-too-small')).toBe(
      "the 3×3 kernel with dilation 3×3 (spanning 7×7) does not fit the 6×6 input; use a smaller kernel, less dilation or 'same' padding",
    );
  });

  it('explicit padding: more padding, with the padded size', () => {
    expect(message(chainOf([3, 3, 1], [conv({ kernelSize: 7, padding: 1 })]), 'spatial-too-small')).toBe(
      'the 7×7 kernel does not fit the 3×3 input (5×5 with its padding); use a smaller kernel or more padding',
    );
  });

  it('a pooling window after a strided convolution', () => {
    expect(message(chainOf([2, 2, 1], [conv({ kernelSize: 1, strides: 2 }), { type: 'avgPool2d', params: { poolSize: 3 } }]), 'spatial-too-small')).toBe(
      "the 3×3 pool window does not fit the 1×1 input; use a smaller pool window, 'same' padding or less downsampling (pooling or strides) before it",
    );
  });
});

describe('the other diagnostics, one message each', () => {
  const input = { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 4 } };
  const out = { id: 'out', type: 'output' };

  it.each<[string, RawNode[], [string, string][], string]>([
    ['no-input', [{ id: 'gap', type: 'globalAvgPool' }, out], [['gap', 'out']], 'the graph has no Input block'],
    ['no-output', [input], [], 'the graph has no Output block; end the network with one'],
    ['multiple-inputs', [input, { ...input, id: 'in2' }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'gap'], ['gap', 'out']], 'only one Input block per graph is supported'],
    ['multiple-outputs', [input, { id: 'gap', type: 'globalAvgPool' }, out, { id: 'out2', type: 'output' }], [['in', 'gap'], ['gap', 'out'], ['gap', 'out2']], 'only one Output block per graph is supported'],
    ['after-output', [input, { id: 'gap', type: 'globalAvgPool' }, out, { id: 'act', type: 'activation' }], [['in', 'gap'], ['gap', 'out'], ['out', 'act']], 'nothing may follow the Output block'],
    ['input-has-inputs', [input, { id: 'gap', type: 'globalAvgPool' }, out, { id: 'x', type: 'activation' }], [['in', 'gap'], ['gap', 'out'], ['x', 'in']], 'an Input block takes no inputs'],
    ['unconnected', [input, { id: 'gap', type: 'globalAvgPool' }, out, { id: 'act', type: 'activation' }], [['in', 'gap'], ['gap', 'out']], "nothing is connected to this block's input"],
    ['too-few-inputs', [input, { id: 'sum', type: 'add' }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'sum'], ['sum', 'gap'], ['gap', 'out']], 'Add joins at least 2 inputs but has 1'],
    ['too-many-inputs', [input, { id: 'a', ...conv({ padding: 'same' }) }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'a'], ['in', 'gap'], ['a', 'gap'], ['gap', 'out']], 'GlobalAvgPool takes one input but 2 blocks feed it; join them with Add or Concat first'],
    ['cycle', [input, { id: 'a', type: 'activation' }, { id: 'b', type: 'activation' }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'gap'], ['gap', 'out'], ['a', 'b'], ['b', 'a']], 'this block is part of a cycle; data must flow one way, from the input to the output'],
    ['detached', [input, { id: 'gap', type: 'globalAvgPool' }, out, { id: 'side', type: 'activation' }], [['in', 'gap'], ['gap', 'out'], ['in', 'side']], "this block's output leads nowhere; connect it towards the Output block or delete it"],
    ['channel-mismatch', [input, { id: 'a', ...conv({ filters: 8, padding: 'same' }) }, { id: 'sum', type: 'add' }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'a'], ['in', 'sum'], ['a', 'sum'], ['sum', 'gap'], ['gap', 'out']], 'Add needs the same number of channels on every input but gets 8×8×4, 8×8×8; a 1×1 Conv2d on the narrower branch can match them'],
    ['shape-mismatch', [input, { id: 'a', ...conv({ filters: 4 }) }, { id: 'cat', type: 'concat' }, { id: 'gap', type: 'globalAvgPool' }, out], [['in', 'a'], ['in', 'cat'], ['a', 'cat'], ['cat', 'gap'], ['gap', 'out']], 'Concat joins along channels, so every input needs the same height and width (and rank); it gets 8×8×4, 6×6×4'],
  ])('%s', (code, nodes, edges, text) => {
    const found = analyzeGraph(graphOf(nodes, edges)).diagnostics.filter((d) => d.code === code);
    expect(found.map((d) => d.message)).toContain(text);
  });
});

describe('too-large offers a fix that fits the block', () => {
  const wide = (blocks: Omit<RawNode, 'id'>[], input: [number, number, number] = [1, 1, 65_536]) => chainOf(input, blocks);

  it.each<[string, GraphDocument, string]>([
    [
      'a Conv2d with too many weights',
      wide([{ type: 'conv2d', params: { filters: 65_536, kernelSize: 1, useBias: false } }]),
      'this block has 4,294,967,296 parameters, more than the 2,147,483,648 CNN Studio can handle; use fewer filters, a smaller kernel, or fewer channels before it',
    ],
    [
      'a Dense with too many weights',
      wide([{ type: 'flatten' }, { type: 'dense', params: { units: 65_536, useBias: false } }]),
      'this block has 4,294,967,296 parameters, more than the 2,147,483,648 CNN Studio can handle; use fewer units, or pool before the Flatten that feeds it',
    ],
    [
      'a DepthwiseConv2d with too many outputs',
      wide([{ type: 'depthwiseConv2d', params: { kernelSize: 1, depthMultiplier: 1_024 } }], [64, 64, 1_024]),
      "this block's output holds 4,294,967,296 values per sample, more than the 2,147,483,648 CNN Studio can handle; use a smaller depth multiplier, a stride, or pool before it",
    ],
    [
      'a Conv2d with too many multiply-accumulates',
      wide([{ type: 'conv2d', params: { filters: 1_024, kernelSize: 3, padding: 'same', useBias: false } }], [1_024, 1_024, 1_024]),
      'this block takes 9,895,604,649,984 multiply-accumulates per sample, more than the 1,099,511,627,776 CNN Studio can handle; use fewer filters, or a stride or pooling before it',
    ],
  ])('%s', (_what, graph, text) => {
    expect(message(graph, 'too-large')).toBe(text);
  });
});
