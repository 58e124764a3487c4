import { describe, expect, it } from 'vitest';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';

const base = { format: 'cnn-studio/graph', version: 2 };
const input = { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } };

function problemsOf(value: unknown) {
  const result = parseGraphDocument(value);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe('loading a graph document', () => {
  it('fills in defaults and expands shorthands', () => {
    const result = parseGraphDocument({
      ...base,
      nodes: [input, { id: 'c', type: 'conv2d', params: { filters: 8, kernelSize: 3, padding: 1 } }, { id: 'f', type: 'flatten' }],
      edges: [{ source: 'in', target: 'c' }, { source: 'c', target: 'f' }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.nodes[1]!.params).toEqual({
      filters: 8,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: [1, 1, 1, 1],
      dilation: [1, 1],
      useBias: true,
    });
    expect(result.graph.nodes[2]!.params).toEqual({});
  });

  it('expands [ph, pw] padding to top, bottom, left, right', () => {
    const result = parseGraphDocument({ ...base, nodes: [input, { id: 'c', type: 'conv2d', params: { filters: 1, kernelSize: [3, 5], padding: [1, 2] } }], edges: [] });
    expect(result.ok && result.graph.nodes[1]!.params).toMatchObject({ padding: [1, 1, 2, 2] });
  });

  it('refuses text that is not JSON', () => {
    const result = parseGraphJson('{"format": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]!.message).toMatch(/^not valid JSON/);
  });

  it.each([null, 42, 'graph', [1, 2]])('refuses a document that is not an object (%j)', (value) => {
    expect(problemsOf(value)[0]!.message).toBe('a graph document must be a JSON object');
  });

  it('names the format field when the file is not a CNN Studio graph', () => {
    const [problem] = problemsOf({ class_name: 'Sequential' });
    expect(problem).toMatchObject({ path: 'format' });
    expect(problem!.message).toContain('not a CNN Studio graph');
  });

  it('refuses an unknown version and says when the file is newer', () => {
    const [problem] = problemsOf({ ...base, version: 3, nodes: [], edges: [] });
    expect(problem!.path).toBe('version');
    expect(problem!.message).toBe('unsupported version 3; this build reads versions 1 to 2 (the file comes from a newer CNN Studio)');
  });

  it('names the node and lists the known types for an unknown block type', () => {
    const [problem] = problemsOf({ ...base, nodes: [input, { id: 'x', type: 'conv3d', params: {} }], edges: [] });
    expect(problem!.path).toBe('nodes[1] ("x").type');
    expect(problem!.message).toMatch(/^unknown block type "conv3d"; known types: input, conv2d, /);
  });

  it('names a missing required setting', () => {
    const problems = problemsOf({ ...base, nodes: [input, { id: 'c1', type: 'conv2d', params: { kernelSize: 3 } }], edges: [] });
    expect(problems).toContainEqual({ path: 'nodes[1] ("c1").params.filters', message: 'is required (number)' });
  });

  it('names a missing kernel size, which may be a number or a pair', () => {
    const problems = problemsOf({ ...base, nodes: [input, { id: 'c1', type: 'conv2d', params: { filters: 8 } }], edges: [] });
    expect(problems).toEqual([{ path: 'nodes[1] ("c1").params.kernelSize', message: 'is required' }]);
  });

  it('refuses duplicate edge ids', () => {
    const edges = [{ id: 'e', source: 'in', target: 'f' }, { id: 'e', source: 'in', target: 'f' }];
    expect(problemsOf({ ...base, nodes: [input, { id: 'f', type: 'flatten' }], edges })).toEqual([{ path: 'edges[1].id', message: 'duplicate edge id "e"' }]);
  });

  it('names a setting of the wrong type', () => {
    const [problem] = problemsOf({ ...base, nodes: [input, { id: 'c1', type: 'conv2d', params: { filters: 'eight', kernelSize: 3 } }], edges: [] });
    expect(problem!.path).toBe('nodes[1] ("c1").params.filters');
    expect(problem!.message).toMatch(/expected number/);
  });

  it('refuses unknown fields, so a misspelt setting is not silently ignored', () => {
    const [problem] = problemsOf({ ...base, nodes: [input, { id: 'c1', type: 'conv2d', params: { filters: 8, kernelSize: 3, stride: 2 } }], edges: [] });
    expect(problem).toEqual({ path: 'nodes[1] ("c1").params', message: 'unknown field "stride"' });
  });

  it('refuses duplicate node ids', () => {
    expect(problemsOf({ ...base, nodes: [input, { ...input }], edges: [] })).toEqual([{ path: 'nodes[1].id', message: 'duplicate node id "in"' }]);
  });

  it('refuses edges that point at missing nodes', () => {
    expect(problemsOf({ ...base, nodes: [input], edges: [{ source: 'in', target: 'ghost' }] })).toEqual([
      { path: 'edges[0].target', message: 'no node has the id "ghost"' },
    ]);
  });

  it('requires the nodes and edges lists', () => {
    const problems = problemsOf({ ...base });
    expect(problems.map((p) => p.path)).toEqual(['nodes', 'edges']);
  });

  it('keeps out-of-range settings for the analysis to report on the block', () => {
    const result = parseGraphDocument({ ...base, nodes: [input, { id: 'c', type: 'conv2d', params: { filters: -3, kernelSize: 0 } }], edges: [] });
    expect(result.ok).toBe(true);
  });
});
