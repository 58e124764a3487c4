/** Frozen blocks (`trainable: false`) and BatchNorm without shift or scale, in the counts and the diff. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { describeDiff, diffGraphs } from '../../main/analysis/graph-diff.ts';
import { describeSettings } from '../../main/analysis/describe.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';

function graph(frozen: Record<string, boolean>, batchNorm: Record<string, unknown> = {}): GraphDocument {
  const result = parseGraphDocument({
    format: 'cnn-studio/graph',
    version: 2,
    nodes: [
      { id: 'in', type: 'input', params: { height: 10, width: 10, channels: 1 } },
      { id: 'conv', type: 'conv2d', params: { filters: 8, kernelSize: 3 }, ...(frozen.conv === undefined ? {} : { trainable: frozen.conv }) },
      { id: 'bn', type: 'batchNorm', params: batchNorm, ...(frozen.bn === undefined ? {} : { trainable: frozen.bn }) },
      { id: 'flat', type: 'flatten' },
      { id: 'fc', type: 'dense', params: { units: 16 }, ...(frozen.fc === undefined ? {} : { trainable: frozen.fc }) },
      { id: 'out', type: 'output' },
    ],
    edges: [['in', 'conv'], ['conv', 'bn'], ['bn', 'flat'], ['flat', 'fc'], ['fc', 'out']].map(([source, target]) => ({ source, target })),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.graph;
}

describe('frozen blocks', () => {
  it('count every weight of a frozen block as non-trainable, as Keras does', () => {
    // conv 1·9·8 + 8 = 80; BatchNorm 8 channels: 16 learned, 16 moving statistics; 8·8·8 = 512
    // features, fc 512·16 + 16 = 8,208.
    const all = analyzeGraph(graph({})).totals.params;
    expect(all).toEqual({ trainable: 80 + 16 + 8_208, nonTrainable: 16, total: 8_320 });
    const frozen = analyzeGraph(graph({ conv: false, fc: false }));
    expect(frozen.nodes.conv!.params).toEqual({ trainable: 0, nonTrainable: 80 });
    expect(frozen.nodes.fc!.params).toEqual({ trainable: 0, nonTrainable: 8_208 });
    expect(frozen.totals.params).toEqual({ trainable: 16, nonTrainable: 80 + 16 + 8_208, total: 8_320 });
  });

  it('count a frozen BatchNorm as 4·C non-trainable, and an explicit true as trainable', () => {
    expect(analyzeGraph(graph({ bn: false })).nodes.bn!.params).toEqual({ trainable: 0, nonTrainable: 32 });
    expect(analyzeGraph(graph({ bn: true })).nodes.bn!.params).toEqual({ trainable: 16, nonTrainable: 16 });
  });

  it('say "frozen" in their settings', () => {
    const frozen = graph({ conv: false });
    expect(describeSettings(frozen.nodes[1]!)).toBe('3×3, 8 filters, frozen');
    expect(describeSettings({ ...frozen.nodes[3]!, trainable: false })).toBe('frozen');
  });

  it('show in the diff when frozen or thawed, and not when only written out', () => {
    expect(describeDiff(diffGraphs(graph({}), graph({ conv: false })))).toEqual(['~ conv: trainable true → false']);
    expect(describeDiff(diffGraphs(graph({}), graph({ conv: true })))).toEqual([]);
  });
});

describe('BatchNorm without shift or scale (Keras center and scale)', () => {
  it('learns C values with one of them and none without either', () => {
    expect(analyzeGraph(graph({}, { center: false })).nodes.bn!.params).toEqual({ trainable: 8, nonTrainable: 16 });
    expect(analyzeGraph(graph({}, { scale: false })).nodes.bn!.params).toEqual({ trainable: 8, nonTrainable: 16 });
    expect(analyzeGraph(graph({}, { center: false, scale: false })).nodes.bn!.params).toEqual({ trainable: 0, nonTrainable: 16 });
  });

  it('says so in its settings and in the diff', () => {
    const g = graph({}, { center: false, scale: false });
    expect(describeSettings(g.nodes[2]!)).toBe('no scale, no shift');
    expect(describeDiff(diffGraphs(graph({}), graph({}, { center: false })))).toEqual(['~ bn: center true → false']);
    expect(describeDiff(diffGraphs(graph({}), graph({}, { center: true })))).toEqual([]);
  });
});
