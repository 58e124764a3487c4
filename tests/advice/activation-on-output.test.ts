import { describe, expect, it } from 'vitest';
import { activationOnOutput } from '../../main/advice/rules/activation-on-output.ts';
import { chainOf, check, graphOf, insertAfter, journeyRound, OPTIONS, ROUNDS } from './helpers.ts';

const conv = { type: 'conv2d', params: { filters: 10, kernelSize: 3 } };

describe('activation-on-output', () => {
  it.each(ROUNDS)('says nothing about journey round %i: each ends on a convolution', (round) => {
    const { graph, analysis } = journeyRound(round);
    expect(activationOnOutput(graph, analysis, OPTIONS)).toEqual([]);
  });

  it("is not fooled by round 2's ReLU before the final 7×7 conv", () => {
    const { graph, analysis } = journeyRound(2);
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: 'relu7', target: 'conv8' }));
    expect(activationOnOutput(graph, analysis, OPTIONS)).toEqual([]);
  });

  it('flags a ReLU right before Flatten → Output and says what it does to the scores', () => {
    const graph = chainOf([28, 28, 1], [conv, { type: 'activation' }, { type: 'flatten' }, { type: 'output' }]);
    const advice = check(activationOnOutput, graph);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'activation-on-output', severity: 'warning', nodeId: 'b2' });
    expect(advice[0]!.message).toBe(
      'b2 is the last layer before the Output block (through b3), so relu clips every negative class score to 0 and the network ' +
        'cannot mark a class as unlikely; delete it and let the layer before it give raw scores, as every round of the journey does.',
    );
  });

  it("flags a ReLU added after round 7's final 1×1 conv", () => {
    const { graph } = journeyRound(7);
    const broken = insertAfter(graph, 'conv7', { id: 'relu_out', type: 'activation', params: { function: 'relu', alpha: 0.01 } });
    expect(check(activationOnOutput, broken).map((a) => a.nodeId)).toEqual(['relu_out']);
  });

  it('flags BatchNorm behind global pooling and Dropout', () => {
    const graph = chainOf([28, 28, 1], [
      conv,
      { type: 'batchNorm' },
      { type: 'globalAvgPool' },
      { type: 'dropout', params: { rate: 0.1 } },
      { type: 'output' },
    ]);
    const advice = check(activationOnOutput, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b2']);
    expect(advice[0]!.message).toContain('(through b3, b4), so it normalises the class scores');
  });

  it('flags squashing functions such as sigmoid after a Dense layer', () => {
    const graph = chainOf([28, 28, 1], [
      { type: 'flatten' },
      { type: 'dense', params: { units: 10 } },
      { type: 'activation', params: { function: 'sigmoid' } },
      { type: 'output' },
    ]);
    const advice = check(activationOnOutput, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b3']);
    expect(advice[0]!.message).toContain('sigmoid squeezes the class scores');
  });

  it('passes over a linear activation, which changes nothing', () => {
    const linear = { type: 'activation', params: { function: 'linear' } };
    const clean = chainOf([28, 28, 1], [conv, linear, { type: 'flatten' }, { type: 'output' }]);
    expect(check(activationOnOutput, clean)).toEqual([]);
    const hidden = chainOf([28, 28, 1], [conv, { type: 'activation' }, linear, { type: 'flatten' }, { type: 'output' }]);
    expect(check(activationOnOutput, hidden).map((a) => a.nodeId)).toEqual(['b2']);
  });

  it('stops at a block that joins branches and at an Output with nothing connected', () => {
    const joined = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 1 } },
        { id: 'a', type: 'activation' },
        { id: 'b', type: 'activation' },
        { id: 'sum', type: 'add' },
        { id: 'flat', type: 'flatten' },
        { id: 'out', type: 'output' },
      ],
      [['in', 'a'], ['in', 'b'], ['a', 'sum'], ['b', 'sum'], ['sum', 'flat'], ['flat', 'out']],
    );
    expect(check(activationOnOutput, joined)).toEqual([]);
    const lonely = graphOf([{ id: 'relu', type: 'activation' }, { id: 'out', type: 'output' }], []);
    expect(check(activationOnOutput, lonely)).toEqual([]);
  });

  it('does not loop on a cycle', () => {
    const cyclic = graphOf(
      [{ id: 'a', type: 'dropout', params: { rate: 0.1 } }, { id: 'b', type: 'flatten' }, { id: 'out', type: 'output' }],
      [['a', 'b'], ['b', 'a'], ['b', 'out']],
    );
    expect(check(activationOnOutput, cyclic)).toEqual([]);
  });
});
