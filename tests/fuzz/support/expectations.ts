/**
 * What every fuzzed outcome must look like: a refusal with readable messages that say where, or an
 * accepted document that is a real graph (ids unique, edges and groups pointing at blocks, within
 * the documented limits, keeping the blocks it was given, saving and loading back to itself), and
 * an analysis whose every number is exact and whose every block is accounted for.
 */
import { expect } from 'vitest';
import type { GraphAnalysis } from '../../../main/analysis/types.ts';
import { parseGraphJson, type LoadResult } from '../../../main/graph/load.ts';
import {
  MAX_CHANNELS,
  MAX_DEPTH_MULTIPLIER,
  MAX_DESCRIPTION_LENGTH,
  MAX_EDGES,
  MAX_ID_LENGTH,
  MAX_IMAGE_SIDE,
  MAX_NODES,
  MAX_WINDOW,
} from '../../../main/graph/limits.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import { KNOWN_PARAMS } from './block-settings.ts';
import type { ExpectedPlace } from './json-mutations.ts';

/** One line for a person: not empty, no stack trace, no "[object Object]". */
export function expectCleanMessage(message: unknown): void {
  expect(typeof message).toBe('string');
  const text = message as string;
  expect(text.trim()).not.toBe('');
  expect(text).not.toMatch(/^\s+at .+[:(]/m);
  expect(text).not.toContain('[object Object]');
}

/**
 * A refusal names a place for each problem it can; a mutation's own place is among them. An
 * acceptance must be a graph that keeps what `input` (the value given to the loader) said.
 */
export function expectLoadOutcome(input: unknown, result: LoadResult, place?: ExpectedPlace): void {
  if (result.ok) {
    expectAcceptedGraph(input, result.graph);
    return;
  }
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

/** Each numeric setting's documented upper limit (docs/graph-format.md); lower bounds are the analysis' to check. */
const SETTING_LIMITS: Record<string, number> = {
  height: MAX_IMAGE_SIDE,
  width: MAX_IMAGE_SIDE,
  channels: MAX_CHANNELS,
  filters: MAX_CHANNELS,
  units: MAX_CHANNELS,
  depthMultiplier: MAX_DEPTH_MULTIPLIER,
  kernelSize: MAX_WINDOW,
  poolSize: MAX_WINDOW,
  strides: MAX_WINDOW,
  dilation: MAX_WINDOW,
  padding: MAX_WINDOW,
};

const DOCUMENT_FIELDS = ['format', 'version', 'name', 'description', 'nodes', 'edges', 'groups', 'budgets', 'training'];
const NODE_FIELDS = ['id', 'type', 'params', 'trainable', 'position'];
const EDGE_FIELDS = ['id', 'source', 'target'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every number in the value, with where it is, for finiteness checks. */
function numbersIn(value: unknown, path: string, out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => numbersIn(item, `${path}[${i}]`, out));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) numbersIn(item, `${path}.${key}`, out);
  return out;
}

/**
 * A document the loader accepted, checked against what a graph is rather than against the
 * loader's own code: a loader that accepted everything, or dropped what it did not like, fails.
 */
export function expectAcceptedGraph(input: unknown, graph: GraphDocument): void {
  expect(graph.format).toBe('cnn-studio/graph');
  expect(graph.version).toBe(2);
  for (const key of Object.keys(graph)) expect(DOCUMENT_FIELDS, `document field ${key}`).toContain(key);

  // Within the documented limits.
  expect(graph.nodes.length).toBeLessThanOrEqual(MAX_NODES);
  expect(graph.edges.length).toBeLessThanOrEqual(MAX_EDGES);
  expect((graph.name ?? '').length).toBeLessThanOrEqual(MAX_ID_LENGTH);
  expect((graph.description ?? '').length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
  for (const [where, value] of numbersIn(graph, 'graph')) expect(Number.isFinite(value), `${where} = ${value}`).toBe(true);

  // Blocks: known kinds with their own settings only, ids unique, named, not too long.
  const ids = new Set<string>();
  graph.nodes.forEach((node, i) => {
    const at = `nodes[${i}] (${node.id})`;
    expect(typeof node.id === 'string' && node.id.length >= 1 && node.id.length <= MAX_ID_LENGTH, `${at} id`).toBe(true);
    expect(ids.has(node.id), `${at}: a second block with this id`).toBe(false);
    ids.add(node.id);
    for (const key of Object.keys(node)) expect(NODE_FIELDS, `${at} field ${key}`).toContain(key);
    expect(isObject(node.params), `${at} has its settings`).toBe(true);
    const known = KNOWN_PARAMS[node.type] ?? [];
    for (const [key, value] of Object.entries(node.params as Record<string, unknown>)) {
      expect(known, `${at} (${node.type}) setting ${key}`).toContain(key);
      const limit = SETTING_LIMITS[key];
      if (limit === undefined) continue;
      for (const [where, n] of numbersIn(value, key)) expect(n, `${at} ${where}`).toBeLessThanOrEqual(limit);
    }
  });

  // Edges and groups point at blocks; edge ids and group ids are unique, a block is in one group at most.
  const edgeIds = new Set<string>();
  graph.edges.forEach((edge, i) => {
    for (const key of Object.keys(edge)) expect(EDGE_FIELDS, `edges[${i}] field ${key}`).toContain(key);
    expect(ids.has(edge.source) && ids.has(edge.target), `edges[${i}] ${edge.source} → ${edge.target} between blocks`).toBe(true);
    if (edge.id === undefined) return;
    expect(edgeIds.has(edge.id), `edges[${i}]: a second edge with the id ${edge.id}`).toBe(false);
    edgeIds.add(edge.id);
  });
  const grouped = new Set<string>();
  const groupIds = new Set<string>();
  for (const group of graph.groups ?? []) {
    expect(ids.has(group.id) || groupIds.has(group.id), `group id ${group.id} is free`).toBe(false);
    groupIds.add(group.id);
    for (const id of group.nodes) {
      expect(ids.has(id) && !grouped.has(id), `group ${group.id} holds block ${id} once`).toBe(true);
      grouped.add(id);
    }
  }

  // Kept what it was given: every block and edge, in order, with its kind (and, from version 2 on, its id).
  if (isObject(input) && Array.isArray(input.nodes) && Array.isArray(input.edges)) {
    expect(graph.nodes.map((n) => n.type)).toEqual(input.nodes.map((n) => (isObject(n) ? n.type : undefined)));
    expect(graph.edges).toHaveLength(input.edges.length);
    if (input.version === 2) {
      expect(graph.nodes.map((n) => n.id)).toEqual(input.nodes.map((n) => (isObject(n) ? n.id : undefined)));
      expect(graph.edges.map((e) => [e.source, e.target])).toEqual(input.edges.map((e) => (isObject(e) ? [e.source, e.target] : undefined)));
    }
  }

  // Saved as JSON and loaded again, it is the same document.
  const text = JSON.stringify(graph);
  const again = parseGraphJson(text);
  expect(again.ok, `the accepted graph loads again: ${JSON.stringify(again.ok ? '' : again.problems)}`).toBe(true);
  if (again.ok) expect(JSON.stringify(again.graph)).toBe(text);
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
