/** Typing a budget: checked on every keystroke; refused values say why; empty removes the budget. */
import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../renderer/src/editor/budget-fields.ts';
import { applyCommand, initialState } from '../../renderer/src/editor/editor-state.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

describe('budget fields', () => {
  it.each([
    ['params', '10000', 10_000],
    ['params', '10,000', 10_000],
    ['params', '10k', 10_000],
    ['macs', '1.5M', 1_500_000],
    ['activationBytes', '512 KiB', 524_288],
    ['weightBytes', '64KB', 64_000],
    ['weightBytes', '1.1 KiB', 1126],
  ] as const)('reads %s "%s" as %d', (key, text, value) => {
    expect(parseBudget(key, text)).toEqual({ ok: true, value });
  });

  it('takes an empty field as no budget', () => {
    expect(parseBudget('params', '  ')).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['params', '-5', 'the parameter budget must be above 0 (got -5)'],
    ['params', '−5', 'the parameter budget must be above 0 (got -5)'],
    ['params', '0', 'the parameter budget must be above 0 (got 0)'],
    ['params', '2.5', 'a count is a whole number (got 2.5)'],
    ['params', 'lots', 'a budget is a number, optionally with k, M or G: 10000, 10k, 1.5M'],
    ['activationBytes', '3 parsecs', 'a size is a number with an optional unit: 512 KiB, 2 MiB, 300 KB'],
    ['macs', '1e300', 'the MACs budget must be at most 9,007,199,254,740,991 (got 1e+300)'],
  ] as const)('refuses %s "%s": %s', (key, text, message) => {
    expect(parseBudget(key, text)).toEqual({ ok: false, message });
  });

  it('stores a budget with the design, a burst of typing as one undo step, and removes it when emptied', () => {
    const opened = initialState(loadPreset(journeyPath(10)));
    const typed = [1, 10, 100].reduce((s, value) => applyCommand(s, { type: 'setBudget', key: 'params', value, mergeKey: 'budget.params' }), opened);
    expect(typed.graph.budgets).toEqual({ params: 100 });
    expect(applyCommand(typed, { type: 'undo' }).graph).toBe(opened.graph);
    const cleared = applyCommand(typed, { type: 'setBudget', key: 'params', value: undefined });
    expect(cleared.graph.budgets).toBeUndefined();
  });
});
