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
    // 13 windows of 3 at stride 2 read 0 … 26: 27 × 27 = 729 of 784 pixels, 55 missed.
    expect(advice[0]!.message).toBe(
      'The output misses 55 of the 784 input pixels: b1 turns a 28×28 map into 13×13 and its windows leave 1 row and 1 column ' +
        "at the edge unread. Give b1 'same' padding, or change the map size before it so that its windows fit exactly.",
    );
  });

  it('names the pool that halves an odd-sized map, not the blocks after it', () => {
    // 28 → 26 → 24 → 22 → pool 11 → 9 → pool 4: the second pool drops the 9th row and column.
    const graph = chainOf([28, 28, 1], [conv3, conv3, conv3, { type: 'maxPool2d' }, conv3, { type: 'maxPool2d' }, conv3, ...head]);
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice.map((a) => a.nodeId)).toEqual(['b6']);
    // The 9th row of the 9×9 map is what rows 24–27 of the image reach it through: 26 × 26 seen, 108 missed.
    expect(advice[0]!.message).toContain('The output misses 108 of the 784 input pixels: b6 turns a 9×9 map into 4×4');
    expect(advice[0]!.message).toContain('leave 1 row and 1 column at the edge unread');
  });

  it("accepts the same stride-2 conv with 'same' padding", () => {
    const graph = chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 2, padding: 'same' } }, ...head]);
    expect(check(outputDoesNotCoverInput, graph)).toEqual([]);
  });

  it('counts rows and columns on their own for a rectangular image', () => {
    const graph = chainOf([28, 27, 1], [conv3, { type: 'maxPool2d' }, ...head]); // 26×25 → 13×12: the last column drops
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice[0]!.message).toContain('misses 28 of the 756 input pixels'); // one column of 28
    expect(advice[0]!.message).toContain('leave 1 column at the edge unread');
  });

  it('agrees with the summary on reports/16: stride 3 with padding 1 misses 23 of 144 pixels', () => {
    // The field is 12×12, as large as the image, yet row 11 and column 11 are never read.
    const graph = chainOf([12, 12, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 3, padding: 1 } }, ...head]);
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice[0]!.message).toBe(
      'The output misses 23 of the 144 input pixels: b1 turns a 12×12 map into 4×4 and its windows leave 1 row and 1 column at the edge unread. ' +
        "Give b1 'same' padding, or change the map size before it so that its windows fit exactly.",
    );
  });

  it('names the gaps a stride larger than the window leaves, and does not suggest padding it already has', () => {
    // 1×1 windows at stride 2 with 'same' padding on 27 (no padding needed): they read 0, 2, … 26,
    // 14 × 14 = 196 of 729 pixels, and skip the 13 rows and columns between them.
    const graph = chainOf([27, 27, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 1, strides: 2, padding: 'same' } }, ...head]);
    const advice = check(outputDoesNotCoverInput, graph);
    expect(advice[0]!.message).toBe(
      'The output misses 533 of the 729 input pixels: b1 turns a 27×27 map into 14×14 and its windows leave 13 rows and 13 columns between its windows unread. ' +
        "Make b1's window at least as large as its stride.",
    );
  });

  it('says nothing when a harmless gap is filled by the overlapping fields before it', () => {
    // 3×3 (27 → 25), then 1×1 at stride 2 reads positions 0, 2, … 24 of the 25×25 map, but each
    // of those sees 3 image rows (0–2, 2–4, … 24–26), so together they still see all 27.
    const graph = chainOf([27, 27, 1], [conv3, { type: 'conv2d', params: { filters: 8, kernelSize: 1, strides: 2 } }, ...head]);
    expect(check(outputDoesNotCoverInput, graph)).toEqual([]);
  });

  it('says nothing until the graph is analysed up to its output', () => {
    const graph = chainOf([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 2 } }]);
    expect(check(outputDoesNotCoverInput, graph)).toEqual([]);
  });
});
