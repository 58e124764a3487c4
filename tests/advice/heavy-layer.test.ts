import { describe, expect, it } from 'vitest';
import { heavyLayer } from '../../main/advice/rules/heavy-layer.ts';
import { chainOf, check, journeyRound, OPTIONS } from './helpers.ts';

describe('heavy-layer', () => {
  it("flags round 5's final 7×7 conv with its share and the round-6 fix", () => {
    const { graph, analysis } = journeyRound(5);
    const advice = heavyLayer(graph, analysis, OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'heavy-layer', severity: 'warning', nodeId: 'conv8' });
    expect(advice[0]!.message).toBe(
      "conv8 holds 4,900 of 12,352 trainable parameters (40 %); replace the 7×7 convolution with global average pooling " +
        "and a 1×1 convolution (100 parameters instead of 4,900), as the journey's round 6 does.",
    );
  });

  it.each([3, 4])('flags the final 7×7 conv of round %i too (45 % of the parameters)', (round) => {
    const { graph, analysis } = journeyRound(round);
    expect(heavyLayer(graph, analysis, OPTIONS).map((a) => a.nodeId)).toEqual(['conv8']);
  });

  it("says nothing about round 6, although its widest 3×3 conv holds 40 %: only collapsing layers count from 30 %", () => {
    const { graph, analysis } = journeyRound(6);
    expect(analysis.nodes.conv3!.params.trainable / analysis.totals.params.trainable).toBeCloseTo(0.405, 3);
    expect(heavyLayer(graph, analysis, OPTIONS)).toEqual([]);
  });

  it.each([7, 8, 9, 10])('says nothing about round %i, whose largest layer is an ordinary 3×3 conv below half', (round) => {
    const { graph, analysis } = journeyRound(round);
    expect(heavyLayer(graph, analysis, OPTIONS)).toEqual([]);
  });

  it("flags round 1's 1,024-filter conv (74 %), not its small final conv", () => {
    const { graph, analysis } = journeyRound(1);
    const advice = heavyLayer(graph, analysis, OPTIONS);
    expect(advice.map((a) => a.nodeId)).toEqual(['conv6']);
    expect(advice[0]!.message).toContain('conv6 holds 4,719,616 of 6,379,786 trainable parameters (74 %)');
    expect(advice[0]!.message).toContain('1,024 3×3 filters over 512 input channels');
  });

  it('says nothing about round 2, whose final 7×7 conv is small next to its two 128-filter convs (38 % each)', () => {
    const { graph, analysis } = journeyRound(2);
    expect(heavyLayer(graph, analysis, OPTIONS)).toEqual([]);
  });

  it('follows the thresholds it is given', () => {
    const round5 = journeyRound(5);
    expect(heavyLayer(round5.graph, round5.analysis, { ...OPTIONS, heavyLayerShare: 0.5 })).toEqual([]);
    const round6 = journeyRound(6);
    expect(heavyLayer(round6.graph, round6.analysis, { ...OPTIONS, dominantLayerShare: 0.4 }).map((a) => a.nodeId)).toEqual(['conv3']);
  });

  it('flags Dense reading a flattened map and counts what global average pooling would leave', () => {
    const graph = chainOf([28, 28, 1], [
      { type: 'conv2d', params: { filters: 8, kernelSize: 3 } },
      { type: 'activation' },
      { type: 'flatten' },
      { type: 'dropout', params: { rate: 0.1 } },
      { type: 'dense', params: { units: 10 } },
      { type: 'output' },
    ]);
    const advice = check(heavyLayer, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b5']);
    expect(advice[0]!.message).toContain('b5 holds 54,090 of 54,170 trainable parameters (100 %)');
    expect(advice[0]!.message).toContain('so it reads 8 (90 parameters instead of 54,090)');
  });

  it('needs at least two layers with parameters', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }]);
    expect(check(heavyLayer, graph)).toEqual([]);
  });

  it('says nothing when the graph has no trainable parameters', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'maxPool2d' }, { type: 'flatten' }, { type: 'output' }]);
    expect(check(heavyLayer, graph)).toEqual([]);
  });

  it('waits until the graph reaches its output: shares of a half-built network would still change', () => {
    const graph = chainOf([28, 28, 1], [
      { type: 'conv2d', params: { filters: 8, kernelSize: 3 } },
      { type: 'conv2d', params: { filters: 64, kernelSize: 3 } },
    ]);
    expect(check(heavyLayer, graph)).toEqual([]);
  });
});
