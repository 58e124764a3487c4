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
 * The checks collect what is wrong and assert once (thousands of expect calls per graph would
 * double the fuzzing's time).
 */
export function expectAcceptedGraph(input: unknown, graph: GraphDocument): void {
  const wrong: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) wrong.push(what);
  };
  check(graph.format === 'cnn-studio/graph' && graph.version === 2, `format ${graph.format} version ${graph.version}`);
  for (const key of Object.keys(graph)) check(DOCUMENT_FIELDS.includes(key), `unknown document field ${key}`);

  // Within the documented limits.
  check(graph.nodes.length <= MAX_NODES, `${graph.nodes.length} blocks`);
  check(graph.edges.length <= MAX_EDGES, `${graph.edges.length} edges`);
  check((graph.name ?? '').length <= MAX_ID_LENGTH, `a name of ${graph.name?.length} characters`);
  check((graph.description ?? '').length <= MAX_DESCRIPTION_LENGTH, `a description of ${graph.description?.length} characters`);
  for (const [where, value] of numbersIn(graph, 'graph')) check(Number.isFinite(value), `${where} = ${value}`);

  // Blocks: known kinds with their own settings only, ids unique, named, not too long.
  const ids = new Set<string>();
  graph.nodes.forEach((node, i) => {
    const at = `nodes[${i}] (${String(node.id).slice(0, 40)})`;
    check(typeof node.id === 'string' && node.id.length >= 1 && node.id.length <= MAX_ID_LENGTH, `${at}: id of ${String(node.id).length} characters`);
    check(!ids.has(node.id), `${at}: a second block with this id`);
    ids.add(node.id);
    for (const key of Object.keys(node)) check(NODE_FIELDS.includes(key), `${at}: unknown field ${key}`);
    if (!isObject(node.params)) return check(false, `${at}: no settings object`);
    const known = KNOWN_PARAMS[node.type];
    check(known !== undefined, `${at}: unknown type ${node.type}`);
    for (const [key, value] of Object.entries(node.params as Record<string, unknown>)) {
      check((known ?? []).includes(key), `${at} (${node.type}): unknown setting ${key}`);
      const limit = SETTING_LIMITS[key];
      if (limit !== undefined) for (const [where, n] of numbersIn(value, key)) check(n <= limit, `${at} ${where} = ${n} over ${limit}`);
    }
  });

  // Edges and groups point at blocks; edge ids and group ids are unique, a block is in one group at most.
  const edgeIds = new Set<string>();
  graph.edges.forEach((edge, i) => {
    for (const key of Object.keys(edge)) check(EDGE_FIELDS.includes(key), `edges[${i}]: unknown field ${key}`);
    check(ids.has(edge.source) && ids.has(edge.target), `edges[${i}] ${edge.source} → ${edge.target} is not between blocks`);
    if (edge.id === undefined) return;
    check(!edgeIds.has(edge.id), `edges[${i}]: a second edge with the id ${edge.id}`);
    edgeIds.add(edge.id);
  });
  const grouped = new Set<string>();
  const groupIds = new Set<string>();
  for (const group of graph.groups ?? []) {
    check(!ids.has(group.id) && !groupIds.has(group.id), `group id ${group.id} is taken`);
    groupIds.add(group.id);
    for (const id of group.nodes) check(ids.has(id) && !grouped.has(id), `group ${group.id} holds ${id}, not a block or in another group`);
    for (const id of group.nodes) grouped.add(id);
  }

  // Kept what it was given: every block and edge, in order, with its kind (and, from version 2 on, its id).
  if (isObject(input) && Array.isArray(input.nodes) && Array.isArray(input.edges)) {
    const given = (list: unknown[], read: (item: Record<string, unknown>) => unknown) => JSON.stringify(list.map((item) => (isObject(item) ? read(item) : null)));
    check(JSON.stringify(graph.nodes.map((n) => n.type)) === given(input.nodes, (n) => n.type), 'the blocks or their kinds differ from the document');
    check(graph.edges.length === input.edges.length, `${graph.edges.length} edges kept of ${input.edges.length}`);
    if (input.version === 2) {
      check(JSON.stringify(graph.nodes.map((n) => n.id)) === given(input.nodes, (n) => n.id), 'the block ids differ from the document');
      check(JSON.stringify(graph.edges.map((e) => [e.source, e.target])) === given(input.edges, (e) => [e.source, e.target]), 'the edges differ from the document');
    }
  }

  // Saved as JSON and loaded again, it is the same document.
  const text = JSON.stringify(graph);
  const again = parseGraphJson(text);
  check(again.ok && JSON.stringify(again.graph) === text, `saved and loaded again it is ${again.ok ? 'another document' : `refused: ${JSON.stringify(again.problems).slice(0, 300)}`}`);

  expect(wrong, 'the accepted document').toEqual([]);
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
