/** The depth of values from outside, measured without recursion, before anything recursive sees them. */
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, nestingDepth, nestingProblem } from '../main/nesting-depth.ts';

describe('nesting depth', () => {
  it('counts levels of lists and objects', () => {
    expect(nestingDepth(7)).toBe(0);
    expect(nestingDepth([])).toBe(1);
    expect(nestingDepth({ a: [1, { b: [] }] })).toBe(4);
  });

  it('stops counting past the limit, for values far deeper than the stack', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(nestingDepth(deep)).toBe(MAX_NESTING_DEPTH + 1);
    expect(nestingProblem(deep, 'the arguments')).toBe('the arguments nests more than 64 levels deep, deeper than any real document');
  });

  it('counts cycles as too deep and walks shared values once per depth', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(nestingDepth(cycle)).toBe(MAX_NESTING_DEPTH + 1);
    // 60 levels, each holding the next twice: 2^60 paths, 60 objects.
    let shared: unknown = [];
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    expect(nestingDepth(shared)).toBe(61);
  });
});
