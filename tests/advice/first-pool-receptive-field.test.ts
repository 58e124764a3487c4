import { describe, expect, it } from 'vitest';
import { firstPoolReceptiveField } from '../../main/advice/rules/first-pool-receptive-field.ts';
import { chainOf, check, journeyRound, OPTIONS, ROUNDS } from './helpers.ts';

const conv3 = { type: 'conv2d', params: { filters: 8, kernelSize: 3 } };
const relu = { type: 'activation' };
const head = [{ type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }];

describe('first-pool-receptive-field', () => {
  it("accepts round 10's first pool, where the field is 6×6", () => {
    const { graph, analysis } = journeyRound(10);
    expect(analysis.nodes.pool1!.receptiveField!.size).toEqual([6, 6]);
    expect(firstPoolReceptiveField(graph, analysis, OPTIONS)).toEqual([]);
  });

  it.each(ROUNDS)('accepts the first pool of journey round %i (6×6 or 8×8)', (round) => {
    const { graph, analysis } = journeyRound(round);
    expect(firstPoolReceptiveField(graph, analysis, OPTIONS)).toEqual([]);
  });

  it('flags a pool right after the input (field 2×2) and says how many convolutions to put in front', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'maxPool2d' }, conv3, relu, conv3, relu, ...head]);
    const advice = check(firstPoolReceptiveField, graph);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'first-pool-receptive-field', severity: 'info', nodeId: 'b1' });
    expect(advice[0]!.message).toBe(
      'The receptive field at b1 is 2×2 pixels, far smaller than the 5×5-pixel strokes that matter, so it lowers the resolution ' +
        "before any stroke is seen whole; put 2 more 3×3 convolutions before it (the field at the pool grows to 6×6), as the journey's round 7 does.",
    );
  });

  it('flags a pool after five 3×3 convolutions (field 12×12) and names the block to move it behind', () => {
    const graph = chainOf([28, 28, 1], [conv3, relu, conv3, relu, conv3, relu, conv3, relu, conv3, relu, { type: 'maxPool2d' }, ...head]);
    const advice = check(firstPoolReceptiveField, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b11']);
    expect(advice[0]!.title).toBe('First pool comes late');
    expect(advice[0]!.message).toContain('The receptive field at b11 is 12×12 pixels, far larger than the 5×5-pixel strokes');
    expect(advice[0]!.message).toContain('move it up to just after b4, where the field is 5×5');
  });

  it('blames an oversized pooling window when the field was small just before it', () => {
    const atTolerance = chainOf([28, 28, 1], [conv3, { type: 'maxPool2d', params: { poolSize: 8 } }, ...head]); // 3 + 7 = 10: twice 5
    expect(check(firstPoolReceptiveField, atTolerance)).toEqual([]);
    const beyond = chainOf([28, 28, 1], [conv3, { type: 'maxPool2d', params: { poolSize: 9 } }, ...head]); // 11
    const advice = check(firstPoolReceptiveField, beyond);
    expect(advice[0]!.message).toContain('The receptive field at b2 is 11×11 pixels');
    expect(advice[0]!.message).toContain('its 9×9 window widens the field by itself; use a 2×2 pool');
  });

  it('only flags a field beyond the tolerance: 6×6 is fine up to an object size of 12, not 13', () => {
    const { graph, analysis } = journeyRound(10);
    expect(firstPoolReceptiveField(graph, analysis, { ...OPTIONS, objectSize: 12 })).toEqual([]);
    expect(firstPoolReceptiveField(graph, analysis, { ...OPTIONS, objectSize: 13 }).map((a) => a.nodeId)).toEqual(['pool1']);
    expect(firstPoolReceptiveField(graph, analysis, { ...OPTIONS, objectSize: 13, objectSizeTolerance: 3 })).toEqual([]);
  });

  it('judges only the first pool, in evaluation order', () => {
    const graph = chainOf([28, 28, 1], [conv3, relu, conv3, relu, { type: 'maxPool2d' }, conv3, { type: 'avgPool2d' }, ...head]);
    expect(check(firstPoolReceptiveField, graph)).toEqual([]);
    const reordered = { ...graph, nodes: [...graph.nodes].reverse() };
    expect(check(firstPoolReceptiveField, reordered)).toEqual([]);
  });

  it('does not count an average pool that covers the whole map, which works as global pooling', () => {
    const graph = chainOf([28, 28, 1], [conv3, conv3, conv3, { type: 'avgPool2d', params: { poolSize: 22 } }, ...head]);
    expect(check(firstPoolReceptiveField, graph)).toEqual([]);
  });

  it('says nothing when the first pool cannot be analysed', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'maxPool2d', params: { poolSize: 0 } }, ...head]);
    expect(check(firstPoolReceptiveField, graph)).toEqual([]);
  });

  it('says nothing about images of another size than the 28×28 its stroke size is calibrated on', () => {
    const early = (size: number) => chainOf([size, size, 1], [{ type: 'maxPool2d' }, conv3, relu, conv3, relu, ...head]);
    expect(check(firstPoolReceptiveField, early(28))).toHaveLength(1);
    expect(check(firstPoolReceptiveField, early(32))).toEqual([]);
    expect(check(firstPoolReceptiveField, early(224))).toEqual([]);
  });
});
