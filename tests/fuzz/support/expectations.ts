/**
 * What every fuzzed outcome must look like: a refusal with readable messages that say where, or an
 * analysis whose every number is exact and whose every block is accounted for.
 */
import { expect } from 'vitest';
import type { GraphAnalysis } from '../../../main/analysis/types.ts';
import type { LoadResult } from '../../../main/graph/load.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import type { ExpectedPlace } from './json-mutations.ts';

/** One line for a person: not empty, no stack trace, no "[object Object]". */
export function expectCleanMessage(message: unknown): void {
  expect(typeof message).toBe('string');
  const text = message as string;
  expect(text.trim()).not.toBe('');
  expect(text).not.toMatch(/^\s+at .+[:(]/m);
  expect(text).not.toContain('[object Object]');
}

/** A refusal names a place for each problem it can; a mutation's own place is among them. */
export function expectLoadOutcome(result: LoadResult, place?: ExpectedPlace): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expectCleanMessage(problem.message);
    expect(typeof problem.path).toBe('string');
    // No path only for what is about the whole document: its kind, its text, or a field at its top level.
    if (problem.path === '') expect(problem.message).toMatch(/^(a graph document must be a JSON object|not valid JSON|unknown fields? )/);
    // Messages quote values shortly; a megabyte of text must not come back in a problem.
    expect(problem.message.length + problem.path.length).toBeLessThan(2_000);
  }
  if (!place) return;
  const blamed = result.problems.filter((p) => p.path.startsWith(place.prefix));
  expect(blamed, `a problem at ${place.prefix} (${place.field ?? ''}) among ${JSON.stringify(result.problems)}`).not.toHaveLength(0);
  if (place.field !== undefined) {
    const field = place.field;
    const names = blamed.some((p) => p.path.includes(field) || p.message.includes(JSON.stringify(field).slice(1, -1)));
    expect(names, `a problem naming "${field}" among ${JSON.stringify(blamed)}`).toBe(true);
  }
}

/** Counts that are exact: whole, not negative, below 2^53. */
function expectCount(value: number, what: string): void {
  expect(Number.isSafeInteger(value) && value >= 0, `${what} = ${value}`).toBe(true);
}

/** The analysis of a graph that loaded: every block present, every number exact, validity consistent. */
export function expectSoundAnalysis(graph: GraphDocument, analysis: GraphAnalysis): void {
  const ids = graph.nodes.map((n) => n.id);
  expect(Object.keys(analysis.nodes).sort()).toEqual([...ids].sort());
  expect([...analysis.order].sort()).toEqual([...ids].sort());
  for (const diagnostic of analysis.diagnostics) {
    expectCleanMessage(diagnostic.message);
    expect(diagnostic.code).not.toBe('');
    if (diagnostic.nodeId !== undefined) expect(ids).toContain(diagnostic.nodeId);
  }
  expect(analysis.valid).toBe(!analysis.diagnostics.some((d) => d.severity === 'error'));
  const totals = analysis.totals;
  for (const [what, value] of Object.entries({ ...totals.params, macs: totals.macs, activations: totals.activations, activationBytes: totals.activationBytes })) {
    expectCount(value, `totals.${what}`);
  }
  for (const id of ids) {
    const node = analysis.nodes[id]!;
    expectCount(node.params.trainable, `${id} trainable`);
    expectCount(node.params.nonTrainable, `${id} non-trainable`);
    expectCount(node.macs, `${id} MACs`);
    expectCount(node.activations, `${id} activations`);
    for (const side of node.outputShape ?? []) expect(Number.isSafeInteger(side) && side >= 1, `${id} shape ${node.outputShape}`).toBe(true);
    const field = node.receptiveField;
    if (field) {
      for (const v of [...field.size, ...field.jump, ...field.start]) expect(Number.isSafeInteger(v), `${id} field ${JSON.stringify(field)}`).toBe(true);
    }
    if (analysis.valid) expect(node.outputShape, `${id} has a shape in a valid graph`).not.toBeNull();
  }
  if (analysis.valid) {
    expect(analysis.inputShape).not.toBeNull();
    expect(analysis.outputShape).not.toBeNull();
    expect(analysis.receptiveField).not.toBeNull();
  }
}
