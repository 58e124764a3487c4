/**
 * Mutations that know what a graph document is: duplicate ids, cycles, dangling and removed
 * edges, swapped block types, renamed blocks, settings set to nasty values, blocks inserted,
 * nodes and edges reordered; plus the generic JSON mutations of json-mutations.ts. The
 * `compileFriendly` set changes a valid graph in ways that often keep it valid, to feed the
 * compiler graphs it has not seen.
 */
import fc from 'fast-check';
import { ACTIVATIONS, BLOCK_TYPES } from '../../../main/graph/schema.ts';
import { defaultsFor, keepKnown, KNOWN_PARAMS, sensibleValue } from './block-settings.ts';
import {
  applyJsonMutation,
  copyDocument,
  isPlainObject,
  jsonMutation,
  nastyJsonValue,
  nastyNumber,
  nastyString,
  type ExpectedPlace,
  type JsonMutation,
} from './json-mutations.ts';

interface RawNode {
  id: unknown;
  type: unknown;
  params?: unknown;
  [key: string]: unknown;
}
interface RawEdge {
  source: unknown;
  target: unknown;
  [key: string]: unknown;
}
interface RawGraph {
  nodes: RawNode[];
  edges: RawEdge[];
  [key: string]: unknown;
}

/**
 * A new name: a fixed tricky one, or another node's id with a suffix (`conv1_pad` next to
 * `conv1`); with `convolution`, the other node is a convolution, whose extra layers the compiler
 * names so.
 */
type NameChoice = string | { like: number; suffix: string; convolution?: boolean };

export type GraphMutation =
  | { kind: 'json'; mutation: JsonMutation }
  | { kind: 'duplicateId'; from: number; to: number }
  | { kind: 'addCycle'; at: number; long: boolean }
  | { kind: 'danglingEdge'; at: number; end: 'source' | 'target'; id: string }
  | { kind: 'removeEdge'; at: number }
  | { kind: 'duplicateEdge'; at: number }
  | { kind: 'selfLoop'; at: number }
  | { kind: 'removeNode'; at: number; keepEdges: boolean }
  | { kind: 'swapType'; at: number; type: string; keepParams: boolean }
  | { kind: 'renameNode'; at: number; name: NameChoice }
  | { kind: 'setParam'; at: number; param: string; value: unknown }
  | { kind: 'insertBlock'; at: number; type: string; params: Record<string, unknown> }
  | { kind: 'shuffle'; nodes: number[]; edges: number[] }
  | { kind: 'tuneParam'; at: number; pick: number; value: number }
  | { kind: 'swapElementwise'; at: number; type: 'batchNorm' | 'activation' | 'dropout' };

/** Every setting name of every block kind, so that a setting lands on blocks that lack it too. */
const PARAM_NAMES = [
  'height', 'width', 'channels', 'filters', 'kernelSize', 'strides', 'padding', 'dilation', 'useBias',
  'depthMultiplier', 'momentum', 'epsilon', 'function', 'alpha', 'rate', 'poolSize', 'keepDims', 'units', 'activation',
];

const TRICKY_NAMES = [
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype',
  'a b', 'a/b', '_x', '-x', '.', '..', '0', 'ünïcødé', '💥', 'n'.repeat(200), 'in', 'output',
];

const name: fc.Arbitrary<NameChoice> = fc.oneof(
  fc.constantFrom(...TRICKY_NAMES),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.record({ like: fc.nat(), suffix: fc.constantFrom('_pad', '_pad_2', '_2', '', '_') }),
);

/** Values a setting might be given: the right kind, the wrong kind, at and past the limits. */
const paramValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyNumber },
  { weight: 2, arbitrary: fc.tuple(nastyNumber, nastyNumber) },
  { weight: 1, arbitrary: fc.tuple(nastyNumber, nastyNumber, nastyNumber, nastyNumber) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('valid', 'same', 'softmax', 'none', ...ACTIVATIONS, true, false) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: nastyJsonValue },
);

/** A block of any kind, with settings from nowhere in particular. */
const blockParams: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...PARAM_NAMES), paramValue, { maxKeys: 4 });

export const graphMutation: fc.Arbitrary<GraphMutation> = fc.oneof(
  { weight: 6, arbitrary: jsonMutation.map((mutation) => ({ kind: 'json' as const, mutation })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateId' as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addCycle' as const), at: fc.nat(), long: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('danglingEdge' as const), at: fc.nat(), end: fc.constantFrom('source' as const, 'target' as const), id: nastyString }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeEdge' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateEdge' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('selfLoop' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeNode' as const), at: fc.nat(), keepEdges: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swapType' as const), at: fc.nat(), type: fc.oneof(fc.constantFrom(...BLOCK_TYPES), nastyString), keepParams: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('renameNode' as const), at: fc.nat(), name }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('setParam' as const), at: fc.nat(), param: fc.constantFrom(...PARAM_NAMES), value: paramValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insertBlock' as const), at: fc.nat(), type: fc.constantFrom(...BLOCK_TYPES), params: blockParams }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), nodes: fc.array(fc.nat(), { maxLength: 8 }), edges: fc.array(fc.nat(), { maxLength: 8 }) }) },
);

/** Small, mostly sensible changes: what a user does in the editor, which the compiler must then build. */
export const compileFriendlyMutation: fc.Arbitrary<GraphMutation> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameNode' as const), at: fc.nat(), name }) },
  // Names derived from another block's (`conv1_pad`), which the compiler derives names from too.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('renameNode' as const),
      at: fc.nat(),
      name: fc.record({ like: fc.nat(), suffix: fc.constantFrom('_pad', '_pad_2', '_2'), convolution: fc.constant(true) }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tuneParam' as const), at: fc.nat(), pick: fc.nat(), value: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapElementwise' as const), at: fc.nat(), type: fc.constantFrom('batchNorm' as const, 'activation' as const, 'dropout' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insertBlock' as const),
      at: fc.nat(),
      type: fc.constantFrom('batchNorm', 'activation', 'dropout', 'maxPool2d', 'avgPool2d', 'conv2d', 'depthwiseConv2d', 'flatten'),
      params: fc.record({ poolSize: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom('valid', 'same') }).map((p) => p as Record<string, unknown>),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateEdge' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), nodes: fc.array(fc.nat(), { maxLength: 8 }), edges: fc.array(fc.nat(), { maxLength: 8 }) }) },
);

/** Applies mutations in turn to a copy of the document; the place to blame only when there was one mutation. */
export function mutateGraph(document: unknown, mutations: GraphMutation[]): { value: unknown; expect?: ExpectedPlace } {
  let value = copyDocument(document);
  let expect: ExpectedPlace | undefined;
  for (const mutation of mutations) {
    const result = applyGraphMutation(value, mutation);
    value = result.value;
    expect = mutations.length === 1 ? result.expect : undefined;
  }
  return expect ? { value, expect } : { value };
}

function applyGraphMutation(document: unknown, mutation: GraphMutation): { value: unknown; expect?: ExpectedPlace } {
  if (mutation.kind === 'json') return applyJsonMutation(document, mutation.mutation);
  // A previous mutation may have left no graph to speak of; only the generic ones apply then.
  if (!isGraphLike(document)) return { value: document };
  const g = document;
  const node = (i: number) => g.nodes[i % g.nodes.length]!;
  const edge = (i: number) => g.edges[i % g.edges.length]!;
  const hasNodes = g.nodes.length > 0;
  const hasEdges = g.edges.length > 0;
  switch (mutation.kind) {
    case 'duplicateId':
      if (hasNodes) node(mutation.from).id = node(mutation.to).id;
      return { value: g };
    case 'addCycle':
      if (!hasEdges) return { value: g };
      if (mutation.long) {
        // From the last block back to the first: a cycle through the whole network (or into the input).
        g.edges.push({ source: g.nodes[g.nodes.length - 1]!.id, target: g.nodes[0]!.id });
      } else {
        const e = edge(mutation.at);
        g.edges.push({ source: e.target, target: e.source });
      }
      return { value: g };
    case 'danglingEdge':
      if (hasEdges) edge(mutation.at)[mutation.end] = mutation.id;
      return { value: g };
    case 'removeEdge':
      if (hasEdges) g.edges.splice(mutation.at % g.edges.length, 1);
      return { value: g };
    case 'duplicateEdge':
      if (hasEdges) g.edges.push({ ...edge(mutation.at), id: undefined } as RawEdge);
      stripUndefinedIds(g);
      return { value: g };
    case 'selfLoop':
      if (hasNodes) g.edges.push({ source: node(mutation.at).id, target: node(mutation.at).id });
      return { value: g };
    case 'removeNode': {
      if (!hasNodes) return { value: g };
      const [removed] = g.nodes.splice(mutation.at % g.nodes.length, 1);
      if (!mutation.keepEdges) g.edges = g.edges.filter((e) => e.source !== removed!.id && e.target !== removed!.id);
      return { value: g };
    }
    case 'swapType': {
      if (!hasNodes) return { value: g };
      const n = node(mutation.at);
      n.type = mutation.type;
      if (!mutation.keepParams) delete n.params;
      return { value: g };
    }
    case 'renameNode': {
      if (!hasNodes) return { value: g };
      const n = node(mutation.at);
      const next = typeof mutation.name === 'string' ? mutation.name : derivedName(g, mutation.name);
      for (const e of g.edges) {
        if (e.source === n.id) e.source = next;
        if (e.target === n.id) e.target = next;
      }
      n.id = next;
      return { value: g };
    }
    case 'setParam': {
      if (!hasNodes) return { value: g };
      const index = mutation.at % g.nodes.length;
      const n = g.nodes[index]!;
      const params = isPlainObject(n.params) ? n.params : {};
      Object.defineProperty(params, mutation.param, { value: mutation.value, enumerable: true, writable: true, configurable: true });
      n.params = params;
      return { value: g, expect: { prefix: `nodes[${index}]`, field: mutation.param } };
    }
    case 'insertBlock': {
      if (!hasEdges) return { value: g };
      const e = edge(mutation.at);
      const id = freshId(g);
      const params = { ...defaultsFor(mutation.type), ...mutation.params };
      g.nodes.push({ id, type: mutation.type, params: keepKnown(mutation.type, params) });
      g.edges.push({ source: id, target: e.target });
      e.target = id;
      return { value: g };
    }
    case 'tuneParam': {
      if (!hasNodes) return { value: g };
      const n = node(mutation.at);
      const names = KNOWN_PARAMS[String(n.type)] ?? [];
      if (names.length === 0) return { value: g };
      const param = names[mutation.pick % names.length]!;
      n.params = { ...(isPlainObject(n.params) ? n.params : {}), [param]: sensibleValue(param, String(n.type), mutation.value) };
      return { value: g };
    }
    case 'swapElementwise': {
      if (!hasNodes) return { value: g };
      const n = node(mutation.at);
      if (n.type !== 'batchNorm' && n.type !== 'activation' && n.type !== 'dropout') return { value: g };
      n.type = mutation.type;
      n.params = mutation.type === 'dropout' ? { rate: 0.2 } : {};
      return { value: g };
    }
    case 'shuffle':
      g.nodes = reorder(g.nodes, mutation.nodes);
      g.edges = reorder(g.edges, mutation.edges);
      return { value: g };
  }
}

function derivedName(g: RawGraph, choice: { like: number; suffix: string; convolution?: boolean }): string {
  const convolutions = g.nodes.filter((n) => n.type === 'conv2d' || n.type === 'depthwiseConv2d');
  const pool = choice.convolution && convolutions.length > 0 ? convolutions : g.nodes;
  return `${String(pool[choice.like % pool.length]!.id)}${choice.suffix}`;
}

function isGraphLike(value: unknown): value is RawGraph {
  return (
    isPlainObject(value) &&
    Array.isArray(value.nodes) &&
    Array.isArray(value.edges) &&
    value.nodes.every(isPlainObject) &&
    value.edges.every(isPlainObject)
  );
}

function stripUndefinedIds(g: RawGraph): void {
  for (const e of g.edges) if (e.id === undefined) delete e.id;
}

function freshId(g: RawGraph): string {
  const taken = new Set(g.nodes.map((n) => n.id));
  let n = g.nodes.length;
  while (taken.has(`fuzz${n}`)) n++;
  return `fuzz${n}`;
}

/** Moves the item at each position to the front, in turn: a cheap shuffle fast-check can shrink. */
function reorder<T>(items: T[], picks: number[]): T[] {
  const result = [...items];
  for (const pick of picks) {
    if (result.length === 0) break;
    const [item] = result.splice(pick % result.length, 1);
    result.unshift(item!);
  }
  return result;
}
