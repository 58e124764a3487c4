/** The Problems list groups identical problems instead of repeating them per block. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { removeElements } from '../../renderer/src/editor/graph-edits.ts';
import { groupProblems } from '../../renderer/src/editor/problem-groups.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

describe('grouping problems', () => {
  it('turns the flood from a disconnected Output into one entry naming every block', () => {
    const graph = loadPreset(journeyPath(10));
    const cut = { ...graph, edges: graph.edges.filter((e) => e.target !== 'output') };
    const diagnostics = analyzeGraph(cut).diagnostics;
    const detached = diagnostics.filter((d) => d.code === 'detached');
    expect(detached.length).toBeGreaterThan(10);
    const entries = groupProblems(diagnostics);
    const entry = entries.find((e) => e.code === 'detached')!;
    expect(entry.message).toBe(`${detached.length} blocks lead nowhere; connect them towards the Output block or delete them`);
    expect(entry.nodeIds).toEqual(detached.map((d) => d.nodeId));
    expect(entries.filter((e) => e.code === 'detached')).toHaveLength(1);
  });

  it('keeps a problem of one block as it is, and problems of the whole graph apart', () => {
    const graph = loadPreset(journeyPath(3));
    const broken = removeElements(graph, ['output']);
    const entries = groupProblems(analyzeGraph(broken).diagnostics);
    expect(entries[0]).toEqual({ severity: 'error', code: 'no-output', message: 'the graph has no Output block; end the network with one', nodeIds: [] });
  });

  it('keeps different messages of one code apart', () => {
    const entries = groupProblems([
      { severity: 'error', code: 'spatial-too-small', message: 'the 30×30 kernel does not fit', nodeId: 'a' },
      { severity: 'error', code: 'spatial-too-small', message: 'the 9×9 kernel does not fit', nodeId: 'b' },
    ]);
    expect(entries.map((e) => e.nodeIds)).toEqual([['a'], ['b']]);
  });

  it('says how many blocks share a problem it has no wording for', () => {
    const entries = groupProblems([
      { severity: 'error', code: 'invalid-setting', message: 'rate must be below 1 (got 1)', nodeId: 'd1' },
      { severity: 'error', code: 'invalid-setting', message: 'rate must be below 1 (got 1)', nodeId: 'd2' },
    ]);
    expect(entries).toEqual([{ severity: 'error', code: 'invalid-setting', message: '2 blocks: rate must be below 1 (got 1)', nodeIds: ['d1', 'd2'] }]);
  });
});
