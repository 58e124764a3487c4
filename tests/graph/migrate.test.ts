import { describe, expect, it } from 'vitest';
import { parseGraphDocument } from '../../main/graph/load.ts';

const input = { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } };
const conv = (id: string, label?: string) => ({ id, type: 'conv2d', params: { filters: 4, kernelSize: 3 }, ...(label === undefined ? {} : { label }) });

function load(value: unknown) {
  const result = parseGraphDocument(value);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.graph;
}

describe('reading a version-1 document', () => {
  it('makes a free label the block id, with the edges following, and writes version 2', () => {
    const graph = load({
      format: 'cnn-studio/graph',
      version: 1,
      nodes: [input, conv('c1', 'stem'), conv('c2')],
      edges: [{ source: 'in', target: 'c1' }, { source: 'c1', target: 'c2' }],
    });
    expect(graph.version).toBe(2);
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'stem', 'c2']);
    expect(graph.edges).toEqual([{ source: 'in', target: 'stem' }, { source: 'stem', target: 'c2' }]);
    expect(graph.nodes.some((n) => 'label' in n)).toBe(false);
  });

  it('keeps the id when the label is another block id, or shared by two blocks', () => {
    const graph = load({
      format: 'cnn-studio/graph',
      version: 1,
      nodes: [input, conv('c1', 'c2'), conv('c2'), conv('c3', 'twin'), conv('c4', 'twin'), conv('c5', '  ')],
      edges: [],
    });
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('refuses a label in a version-2 document', () => {
    const result = parseGraphDocument({ format: 'cnn-studio/graph', version: 2, nodes: [conv('c1', 'x')], edges: [] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]!.message).toMatch(/unknown field "label"/);
  });

  it('passes hostile version-1 values on to the schema instead of throwing', () => {
    for (const nodes of [null, 'x', [null, 1, 'a', { label: 5 }, { id: 7, label: 'y' }]]) {
      expect(() => parseGraphDocument({ format: 'cnn-studio/graph', version: 1, nodes, edges: [null, { source: {} }] })).not.toThrow();
    }
  });
});

describe('groups and budgets', () => {
  const base = { format: 'cnn-studio/graph', version: 2, nodes: [input, conv('c1'), conv('c2')], edges: [] };

  it('loads groups and budgets as written', () => {
    const graph = load({ ...base, groups: [{ id: 'stem', nodes: ['c1', 'c2'], collapsed: true }], budgets: { params: 10_000, macs: 2e6 } });
    expect(graph.groups).toEqual([{ id: 'stem', nodes: ['c1', 'c2'], collapsed: true }]);
    expect(graph.budgets).toEqual({ params: 10_000, macs: 2e6 });
  });

  it.each([
    [[{ id: 'g', nodes: ['nope'] }], 'groups[0] ("g").nodes[0]: no node has the id "nope"'],
    [[{ id: 'g', nodes: ['c1'] }, { id: 'h', nodes: ['c1'] }], 'groups[1] ("h").nodes[0]: "c1" is already in the group "g"'],
    [[{ id: 'g', nodes: ['c1'] }, { id: 'g', nodes: ['c2'] }], 'groups[1] ("g").id: duplicate group id "g"'],
    [[{ id: 'c1', nodes: ['c2'] }], 'groups[0] ("c1").id: "c1" is already the name of a block'],
  ])('refuses groups %j', (groups, problem) => {
    const result = parseGraphDocument({ ...base, groups });
    expect(!result.ok && result.problems.map((p) => `${p.path}: ${p.message}`)).toContain(problem);
  });

  it.each([
    [{ params: -5 }, 'the parameter budget must be above 0 (got -5)'],
    [{ macs: 0 }, 'the MACs budget must be above 0 (got 0)'],
    [{ weightBytes: 1e300 }, 'the weight size budget must be at most 9,007,199,254,740,991 (got 1e+300)'],
  ])('refuses the budget %j', (budgets, message) => {
    const result = parseGraphDocument({ ...base, budgets });
    expect(!result.ok && result.problems[0]!.message).toBe(message);
  });
});
