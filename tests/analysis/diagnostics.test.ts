import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { chainOf, graphOf, type RawNode } from '../support/graphs.ts';

const input: RawNode = { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } };
const conv = (id: string, params: Record<string, unknown> = {}): RawNode => ({ id, type: 'conv2d', params: { filters: 4, kernelSize: 3, ...params } });
const out: RawNode = { id: 'out', type: 'output' };

function codesOf(graph: GraphDocument) {
  return analyzeGraph(graph).diagnostics.map((d) => [d.code, d.nodeId]);
}

describe('diagnostics attached to the offending block', () => {
  it('reports a cycle on the blocks that form it, not on blocks behind it', () => {
    const graph = graphOf(
      [input, conv('a', { padding: 'same' }), conv('b', { padding: 'same' }), { id: 'add', type: 'add' }, { id: 'f', type: 'flatten' }, out],
      [['in', 'add'], ['add', 'a'], ['a', 'b'], ['b', 'add'], ['b', 'f'], ['f', 'out']],
    );
    const cycle = analyzeGraph(graph).diagnostics.filter((d) => d.code === 'cycle');
    expect(cycle.map((d) => d.nodeId).sort()).toEqual(['a', 'add', 'b']);
  });

  it('reports a block with nothing connected to its input', () => {
    const graph = graphOf([input, conv('lonely'), { id: 'f', type: 'flatten' }, out], [['in', 'f'], ['f', 'out']]);
    expect(codesOf(graph)).toEqual([['unconnected', 'lonely']]);
  });

  it('reports a block whose output leads nowhere', () => {
    const graph = graphOf([input, conv('dangling'), { id: 'f', type: 'flatten' }, out], [['in', 'dangling'], ['in', 'f'], ['f', 'out']]);
    expect(codesOf(graph)).toEqual([['detached', 'dangling']]);
  });

  it('reports a graph without input or output', () => {
    expect(codesOf(graphOf([conv('c')], []))).toEqual([
      ['no-input', undefined],
      ['no-output', undefined],
      ['unconnected', 'c'],
    ]);
  });

  it('reports a kernel that does not fit the feature map, naming both sizes', () => {
    const analysis = analyzeGraph(
      chainOf([3, 3, 8], [{ type: 'conv2d', params: { filters: 4, kernelSize: 7 } }]),
    );
    const diagnostic = analysis.diagnostics.find((d) => d.code === 'spatial-too-small')!;
    expect(diagnostic.nodeId).toBe('b1');
    expect(diagnostic.message).toContain('the 7×7 kernel does not fit the 3×3 input');
  });

  it('reports pooling that shrinks the map to nothing', () => {
    const analysis = analyzeGraph(chainOf([1, 1, 8], [{ type: 'maxPool2d' }]));
    expect(analysis.diagnostics.map((d) => d.code)).toContain('spatial-too-small');
  });

  it('reports a channel mismatch at Add with both shapes', () => {
    const graph = graphOf(
      [input, conv('narrow', { filters: 8, padding: 'same' }), conv('wide', { filters: 16, padding: 'same' }), { id: 'add', type: 'add' }],
      [['in', 'narrow'], ['in', 'wide'], ['narrow', 'add'], ['wide', 'add']],
    );
    const diagnostic = analyzeGraph(graph).diagnostics.find((d) => d.code === 'channel-mismatch')!;
    expect(diagnostic.nodeId).toBe('add');
    expect(diagnostic.message).toContain('28×28×8, 28×28×16');
  });

  it('reports Concat of maps with different sizes', () => {
    const graph = graphOf(
      [input, conv('a'), conv('b', { padding: 'same' }), { id: 'cat', type: 'concat' }],
      [['in', 'a'], ['in', 'b'], ['a', 'cat'], ['b', 'cat']],
    );
    expect(analyzeGraph(graph).diagnostics.find((d) => d.nodeId === 'cat')?.code).toBe('shape-mismatch');
  });

  it('reports Dense on a feature map and suggests Flatten', () => {
    const analysis = analyzeGraph(chainOf([7, 7, 10], [{ type: 'dense', params: { units: 10 } }]));
    const diagnostic = analysis.diagnostics.find((d) => d.nodeId === 'b1')!;
    expect(diagnostic.code).toBe('needs-flat-input');
    expect(diagnostic.message).toBe('Dense needs a flat vector but gets 7×7×10 from in (Input); add Flatten or GlobalAvgPool before it');
  });

  it('reports a convolution after Flatten', () => {
    const analysis = analyzeGraph(chainOf([7, 7, 10], [{ type: 'flatten' }, { type: 'conv2d', params: { filters: 1, kernelSize: 1 } }]));
    expect(analysis.diagnostics.find((d) => d.nodeId === 'b2')?.code).toBe('needs-feature-map');
  });

  it('reports an output fed a feature map', () => {
    const analysis = analyzeGraph(chainOf([1, 1, 10], [{ type: 'output' }]));
    expect(analysis.diagnostics.find((d) => d.nodeId === 'b1')?.message).toMatch(/add Flatten or GlobalAvgPool/);
  });

  it.each([
    [{ filters: 0, kernelSize: 3 }, 'filters must be at least 1 (got 0)'],
    [{ filters: 2.5, kernelSize: 3 }, 'filters must be a whole number (got 2.5)'],
    [{ filters: 4, kernelSize: -1 }, 'kernel size must be at least 1 (got -1)'],
    [{ filters: 4, kernelSize: 3, strides: 0 }, 'stride must be at least 1 (got 0)'],
    [{ filters: 4, kernelSize: 3, padding: -1 }, 'padding must be at least 0 (got -1)'],
    [{ filters: 4, kernelSize: 3, strides: 2, dilation: 2 }, 'stride and dilation cannot both be above 1 (TensorFlow.js does not support it)'],
  ])('reports the invalid conv setting %j', (params, message) => {
    const analysis = analyzeGraph(chainOf([28, 28, 1], [{ type: 'conv2d', params }]));
    expect(analysis.diagnostics).toContainEqual({ severity: 'error', code: 'invalid-setting', message, nodeId: 'b1' });
  });

  it.each([
    ['dropout', { rate: 1 }, 'rate must be from 0 to below 1 (got 1)'],
    ['dense', { units: 0 }, 'units must be at least 1 (got 0)'],
    ['batchNorm', { epsilon: 0 }, 'epsilon must be above 0 (got 0)'],
    ['maxPool2d', { poolSize: 0 }, 'pool size must be at least 1 (got 0)'],
  ])('reports the invalid %s setting %j', (type, params, message) => {
    const analysis = analyzeGraph(chainOf([8, 8, 2], [{ type, params }]));
    expect(analysis.diagnostics.map((d) => d.message)).toContain(message);
  });

  it('reports too many inputs on a single-input block and too few on a merge', () => {
    const graph = graphOf(
      [input, conv('a'), conv('b'), conv('both'), { id: 'add', type: 'add' }],
      [['in', 'a'], ['in', 'b'], ['a', 'both'], ['b', 'both'], ['a', 'add']],
    );
    const codes = codesOf(graph);
    expect(codes).toContainEqual(['too-many-inputs', 'both']);
    expect(codes).toContainEqual(['too-few-inputs', 'add']);
  });

  it('reports a second Input and anything after the Output', () => {
    const graph = graphOf(
      [input, { ...input, id: 'in2' }, { id: 'f', type: 'flatten' }, out, { id: 'd', type: 'dense', params: { units: 3 } }],
      [['in', 'f'], ['f', 'out'], ['out', 'd']],
    );
    const codes = codesOf(graph);
    expect(codes).toContainEqual(['multiple-inputs', 'in2']);
    expect(codes).toContainEqual(['after-output', 'out']);
  });
});

describe('a broken graph is still analysed up to the break', () => {
  const graph = chainOf([28, 28, 1], [
    { type: 'conv2d', params: { filters: 8, kernelSize: 3, useBias: false } },
    { type: 'batchNorm' },
    { type: 'conv2d', params: { filters: 16, kernelSize: 0 } },
    { type: 'conv2d', params: { filters: 16, kernelSize: 3 } },
  ]);
  const analysis = analyzeGraph(graph);

  it('keeps shapes and counts upstream of the broken block', () => {
    expect(analysis.nodes.b1!.outputShape).toEqual([26, 26, 8]);
    expect(analysis.nodes.b2!.params).toEqual({ trainable: 16, nonTrainable: 16 });
    expect(analysis.totals.params).toEqual({ trainable: 72 + 16, nonTrainable: 16, total: 104 });
  });

  it('reports the broken block once and stays quiet downstream', () => {
    expect(analysis.diagnostics.filter((d) => d.nodeId !== undefined).map((d) => d.nodeId)).toEqual(['b3']);
    expect(analysis.nodes.b4!.outputShape).toBeNull();
    expect(analysis.valid).toBe(false);
  });
});

describe('never throws', () => {
  it('copes with in-memory graphs the loader would refuse', () => {
    const graph = {
      format: 'cnn-studio/graph',
      version: 2,
      nodes: [
        { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } },
        { id: 'c', type: 'conv2d', params: { filters: 1e12, kernelSize: [1e9, 1e9], strides: [1, 1], padding: 'valid', dilation: [1, 1], useBias: true } },
      ],
      edges: [{ source: 'in', target: 'c' }, { source: 'ghost', target: 'c' }],
    } as GraphDocument;
    expect(() => analyzeGraph(graph)).not.toThrow();
    expect(analyzeGraph(graph).diagnostics.map((d) => d.code)).toContain('spatial-too-small');
  });

  it('copes with an empty graph', () => {
    expect(analyzeGraph(graphOf([], [])).diagnostics.map((d) => d.code)).toEqual(['no-input', 'no-output']);
  });
});
