/** Budgets: the four figures, peak activation memory, and the warning naming the heaviest blocks. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { budgetDiagnostics, checkBudgets, measureDesign, peakActivations } from '../../main/analysis/budgets.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { chainOf, graphOf } from '../support/graphs.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';

describe('the budgeted figures', () => {
  it('measures round 10: 9,896 trainable, weights as float32 and int8', () => {
    const graph = loadPreset(journeyPath(10));
    const measures = measureDesign(graph, analyzeGraph(graph));
    expect(measures.params).toBe(9896);
    expect(measures.macs).toBe(analyzeGraph(graph).totals.macs);
    // 9,896 trainable + 192 non-trainable weights.
    expect(measures.weightBytes).toBe((9896 + 192) * 4);
    expect(measures.weightBytesInt8).toBe(9896 + 192);
    expect(measures.unresolved).toEqual([]);
  });

  it('takes the peak of a chain as the largest input and output held together', () => {
    // 8×8×1 → conv 3×3, 4 filters → 6×6×4 → flatten 144 → dense 10.
    const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 3 } }, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }]);
    const peak = peakActivations(graph, analyzeGraph(graph));
    // While flatten runs, its input (144) and output (144) are both held; the image is freed by then.
    expect(peak.values).toBe(144 + 144);
    expect(peak.at).toBe('b2');
    expect(measureDesign(graph, analyzeGraph(graph)).activationBytes).toBe(288 * 4);
  });

  it('keeps a skip connection alive across the branch it skips', () => {
    // in → a (4×4×2) → b (4×4×2) → add(a, b): a is still held while b runs.
    const graph = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 4, width: 4, channels: 2 } },
        { id: 'a', type: 'batchNorm' },
        { id: 'b', type: 'activation' },
        { id: 'sum', type: 'add' },
      ],
      [
        ['in', 'a'],
        ['a', 'b'],
        ['a', 'sum'],
        ['b', 'sum'],
      ],
    );
    // While sum runs: a, b and sum (32 each).
    expect(peakActivations(graph, analyzeGraph(graph)).values).toBe(96);
  });

  it('marks the figures as lower bounds while a block is unresolved', () => {
    const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 30 } }, { type: 'flatten' }]);
    expect(measureDesign(graph, analyzeGraph(graph)).unresolved).toEqual(['b1', 'b2']);
  });
});

describe('checking budgets', () => {
  const resnet = loadPreset(`${RESOURCES}presets/small-resnet.json`);

  it('checks only the budgets that are set', () => {
    expect(checkBudgets(resnet, analyzeGraph(resnet))).toEqual([]);
  });

  it('warns when a budget is exceeded, naming the heaviest blocks', () => {
    const budgeted: GraphDocument = { ...resnet, budgets: { params: 10_000, macs: 1e9 } };
    const checks = checkBudgets(budgeted, analyzeGraph(budgeted));
    expect(checks.map((c) => [c.key, c.over])).toEqual([
      ['params', true],
      ['macs', false],
    ]);
    expect(checks[0]!.heaviest).toEqual([
      { id: 'res2_conv2', value: 9216 },
      { id: 'res2_conv1', value: 4608 },
      { id: 'res1_conv1', value: 2304 },
    ]);
    expect(budgetDiagnostics(checks, { unresolved: [] })).toEqual([
      {
        severity: 'warning',
        code: 'over-budget',
        message: 'trainable parameters are 19,706, over the budget of 10,000 by 9,706; heaviest: res2_conv2 (9,216), res2_conv1 (4,608), res1_conv1 (2,304)',
      },
    ]);
  });

  it('names the outputs held at the peak for an activation budget, in bytes', () => {
    const budgeted: GraphDocument = { ...resnet, budgets: { activationBytes: 1024 } };
    const [check] = checkBudgets(budgeted, analyzeGraph(budgeted));
    expect(check!.over).toBe(true);
    expect(budgetDiagnostics([check!], { unresolved: [] })[0]!.message).toMatch(/^peak activation memory per image is [\d.]+ KiB, over the budget of 1\.0 KiB by/);
  });

  it('says "at least" when part of the design is unresolved', () => {
    const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 3 } }, { type: 'conv2d', params: { filters: 4, kernelSize: 30 } }]);
    // 3×3×1×4 + 4 bias = 40 resolved; the 30×30 kernel does not fit and counts nothing.
    const budgeted: GraphDocument = { ...graph, budgets: { params: 10 } };
    const analysis = analyzeGraph(budgeted);
    expect(budgetDiagnostics(checkBudgets(budgeted, analysis), measureDesign(budgeted, analysis))[0]!.message).toMatch(/^trainable parameters are at least 40,/);
  });
});
