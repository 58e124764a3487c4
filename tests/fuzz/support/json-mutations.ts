/**
 * Mutating any JSON-like document at a random place: delete a field, replace a value with a nasty
 * one, add an unexpected key. Used on graph documents and Keras topologies alike. A mutation is
 * plain data (which place, what value), so fast-check can shrink it to the smallest that fails.
 */
import fc from 'fast-check';

export type JsonPath = (string | number)[];

export type JsonMutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'addKey'; at: number; key: string; value: unknown };

/** Where a loader should complain about a mutation: the top-level entry, and the field if named. */
export interface ExpectedPlace {
  /** e.g. `nodes[3]`, `format`: every formatted path of that place starts so. */
  prefix: string;
  /** The field's own name, which the problem's path or message should mention. */
  field?: string;
}

/** Long strings are built once; fast-check hands out the same instance. */
const LONG = 'x'.repeat(100_000);
const VERY_LONG = 'y'.repeat(1_000_000);

/** Numbers that tend to break arithmetic: zero, negatives, fractions, powers at the edges of limits. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2, 3, 0.5, 2.5, -2.5, 1e9, -1e9, 1e300, -1e300, 1e-300, 2 ** 31, 2 ** 53, 2 ** 53 + 2),
  fc.constantFrom(1_024, 1_025, 2_000, 2_001, 16_384, 16_385, 65_536, 65_537, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings a parser might take for numbers or keywords, prototype keys, path tricks, lone surrogates, huge text. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e9', '0x10', ' 3', '3 ', 'null', 'true'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
  fc.constantFrom('valid', 'same', 'relu', 'softmax', 'conv2d', 'input', 'output', 'cnn-studio/graph', 'Sequential'),
  fc.constantFrom('../../etc/passwd', '/etc/passwd', 'C:\\Windows', '\u0000', '\ud800', '💥', 'a\nb', '"quoted"'),
  fc.constantFrom(LONG, VERY_LONG),
  fc.string({ maxLength: 20 }),
);

/** A value nested `depth` levels deep, as arrays or objects. */
export function deeplyNested(depth: number, asObject: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  // fast-check prints a counterexample recursively; this says what it is without overflowing the stack.
  Object.defineProperty(value, fc.toStringMethod, { value: () => `deeplyNested(${depth}, ${asObject})` });
  return value;
}

/** An object with an own `__proto__` key, as JSON.parse makes it (a literal would set the prototype). */
export function withProtoKey(inner: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, '__proto__', { value: inner, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Any value a JSON document could hold in place of another, leaning towards trouble. */
export const nastyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyNumber },
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [1], [1, 2], [1, 2, 3, 4], [[1, 2], [3, 4]]) },
  { weight: 1, arbitrary: fc.constantFrom(50, 1_000, 5_000).chain((depth) => fc.boolean().map((asObject) => deeplyNested(depth, asObject))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(withProtoKey) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Keys worth adding where they do not belong. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x', '', 'id', 'type', 'params', 'nodes'),
  fc.string({ maxLength: 10 }),
);

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: nastyJsonValue }),
  fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key: nastyKey, value: nastyJsonValue }),
);

/**
 * Mutations reach at most this deep; below it, values are shared between copies rather than
 * cloned, so that a value nested thousands deep costs nothing (and overflows no stack).
 */
const MUTABLE_DEPTH = 24;

/** A copy down to MUTABLE_DEPTH, keeping own keys such as `__proto__` as keys. */
export function copyDocument<T>(value: T, depth = MUTABLE_DEPTH): T {
  if (typeof value !== 'object' || value === null || depth === 0) return value;
  if (Array.isArray(value)) return value.map((item) => copyDocument(item, depth - 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: copyDocument(item, depth - 1), enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}

/** Every place below the root down to MUTABLE_DEPTH, parents before children, up to `limit` of them. */
export function pathsOf(root: unknown, limit = 20_000): JsonPath[] {
  const paths: JsonPath[] = [];
  const walk = (value: unknown, path: JsonPath) => {
    if (paths.length >= limit || typeof value !== 'object' || value === null || path.length >= MUTABLE_DEPTH - 1) return;
    for (const [key, child] of Object.entries(value)) {
      const step = Array.isArray(value) ? Number(key) : key;
      paths.push([...path, step]);
      walk(child, [...path, step]);
    }
  };
  walk(root, []);
  return paths;
}

export function valueAt(root: unknown, path: JsonPath): unknown {
  let cursor = root;
  for (const key of path) cursor = (cursor as Record<string | number, unknown>)[key];
  return cursor;
}

/** Applies a mutation to a copy; says where a loader should complain when one is sure to. */
export function applyJsonMutation(document: unknown, mutation: JsonMutation): { value: unknown; expect?: ExpectedPlace } {
  const root = copyDocument(document);
  if (mutation.kind === 'addKey') {
    const objects: JsonPath[] = [[], ...pathsOf(root).filter((p) => isPlainObject(valueAt(root, p)))];
    const path = objects[mutation.at % objects.length]!;
    const target = valueAt(root, path) as Record<string, unknown>;
    if (Object.hasOwn(target, mutation.key)) return { value: root };
    Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
    return { value: root, expect: placeOf(path, mutation.key) };
  }
  const paths = pathsOf(root);
  if (paths.length === 0) return { value: root };
  const path = paths[mutation.at % paths.length]!;
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const before = parent[key];
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) {
      parent.splice(key as number, 1);
      return { value: root }; // the others move up; no one place is at fault
    }
    delete parent[key];
    return { value: root, expect: placeOf(path, String(key)) };
  }
  parent[key] = mutation.value;
  // A new kind of value (a string for a number, a list for an object) is wrong right there; the same
  // kind may be fine, or wrong elsewhere (an id replaced by another id breaks the edges using it).
  const sameKind = kindOf(before) === kindOf(mutation.value);
  const named = typeof key === 'string' ? key : lastName(path);
  return { value: root, expect: sameKind && kindOf(before) !== 'number' ? undefined : placeOf(path, named) };
}

function placeOf(path: JsonPath, field: string | undefined): ExpectedPlace {
  if (path.length === 0) return { prefix: '', field };
  const [top, index] = path;
  const prefix = typeof index === 'number' ? `${String(top)}[${index}]` : String(top);
  return field === undefined ? { prefix } : { prefix, field };
}

function lastName(path: JsonPath): string | undefined {
  const names = path.filter((key): key is string => typeof key === 'string');
  return names[names.length - 1];
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
