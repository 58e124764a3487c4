import { describe, expect, it } from 'vitest';
import { outputDoesNotCoverInput } from '../../main/advice/rules/output-does-not-cover-input.ts';
import { chainOf, check, journeyRound, OPTIONS, ROUNDS } from './helpers.ts';

const conv3 = { type: 'conv2d', params: { filters: 8, kernelSize: 3 } };
const head = [{ type: 'globalAvgPool' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }];

describe('output-does-not-cover-input', () => {
  it.each(ROUNDS)('accepts journey round %i: its output sees the whole 28×28 image', (round) => {
    const { graph, analysis } = journeyRound(round);
    expect(Math.min(...analysis.receptiveField!.size)).toBeGreaterThanOrEqual(28);
    expect(outputDoesNotCoverInput(graph, analysis, OPTIONS)).toEqual([]);
  });

  it('flags a stride-2 conv on 28×28 that never reaches the last row and column', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 2 } }, ...head]);
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'output-does-not-cover-input', severity: 'info', nodeId: 'b1' });
    expect(advice[0]!.message).toBe(
      'The output sees only 27×27 of the 28×28 input pixels: b1 turns a 28×28 map into 13×13 and its windows leave 1 row and 1 column ' +
        "at the edge out. Give b1 'same' padding, or change the map size before it so that its windows fit exactly.",
    );
  });

  it('names the pool that halves an odd-sized map, not the blocks after it', () => {
    // 28 → 26 → 24 → 22 → pool 11 → 9 → pool 4: the second pool drops the 9th row and column.
    const graph = chainOf([28, 28, 1], [conv3, conv3, conv3, { type: 'maxPool2d' }, conv3, { type: 'maxPool2d' }, conv3, ...head]);
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b6']);
    expect(advice[0]!.message).toContain('The output sees only 26×26 of the 28×28 input pixels: b6 turns a 9×9 map into 4×4');
    expect(advice[0]!.message).toContain('leave 2 rows and 2 columns at the edge out');
  });

  it("accepts the same stride-2 conv with 'same' padding", () => {
    const graph = chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 2, padding: 'same' } }, ...head]);
    expect(check(outputDoesNotCoverInput, graph)).toEqual([]);
  });

  it('counts rows and columns on their own for a rectangular image', () => {
    const graph = chainOf([28, 27, 1], [conv3, { type: 'maxPool2d' }, ...head]); // 26×25 → 13×12: the last column drops
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice[0]!.message).toContain('sees only 28×26 of the 28×27 input pixels');
    expect(advice[0]!.message).toContain('leave 1 column at the edge out');
  });

  it('says nothing until the graph is analysed up to its output', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 2 } }]);
    expect(check(outputDoesNotCoverInput, graph)).toEqual([]);
  });
});
