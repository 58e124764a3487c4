/**
 * Random values that are not documents at all, or only look like one: anything JSON can hold,
 * and what else may arrive from another process (structured clone carries BigInts, Maps, Dates,
 * typed arrays, sparse arrays, NaN, undefined and cycles), plus graph-shaped objects whose every
 * field may be of the wrong kind.
 */
import fc from 'fast-check';
import { ACTIVATIONS, BLOCK_TYPES } from '../../../main/graph/schema.ts';
import { nastyKey, nastyNumber, nastyString } from './json-mutations.ts';

/** Anything at all, keys included. */
export const anyValue: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  key: nastyKey,
  values: [nastyNumber, nastyString, fc.boolean(), fc.constant(null)],
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** An object or list that contains itself. */
export const cyclicValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.dictionary(nastyKey, anyValue, { maxKeys: 3 }), nastyKey, fc.boolean())
  .map(([object, key, inList]) => {
    const holder = inList ? [object] : object;
    object[key === '__proto__' ? 'self' : key] = holder;
    return holder;
  });

export const anyOrCyclic: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: anyValue }, { weight: 1, arbitrary: cyclicValue });

const ID_POOL = ['in', 'c1', 'c2', 'out', '__proto__', 'constructor', ''];

const maybe = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: anyOrCyclic });

const node = fc.record(
  {
    id: maybe(fc.oneof(fc.constantFrom(...ID_POOL), nastyString)),
    type: maybe(fc.constantFrom(...BLOCK_TYPES)),
    params: maybe(
      fc.dictionary(
        fc.constantFrom('height', 'width', 'channels', 'filters', 'kernelSize', 'strides', 'padding', 'units', 'rate', 'function', 'poolSize', 'depthMultiplier'),
        fc.oneof(nastyNumber, fc.tuple(nastyNumber, nastyNumber), fc.constantFrom<unknown>('same', 'valid', ...ACTIVATIONS), anyValue),
        { maxKeys: 4 },
      ),
    ),
    label: maybe(nastyString),
    position: maybe(fc.record({ x: nastyNumber, y: nastyNumber })),
  },
  { requiredKeys: [] },
);

const edge = fc.record(
  { source: maybe(fc.constantFrom(...ID_POOL)), target: maybe(fc.constantFrom(...ID_POOL)), id: maybe(nastyString) },
  { requiredKeys: [] },
);

/** Objects shaped roughly like a graph document, wrong anywhere. */
export const graphShapedValue: fc.Arbitrary<unknown> = fc.record(
  {
    format: fc.oneof({ weight: 4, arbitrary: fc.constant('cnn-studio/graph') }, { weight: 1, arbitrary: anyOrCyclic }),
    version: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: anyOrCyclic }),
    name: maybe(nastyString),
    nodes: maybe(fc.array(node, { maxLength: 8 })),
    edges: maybe(fc.array(edge, { maxLength: 8 })),
    training: maybe(fc.dictionary(fc.constantFrom('epochs', 'batchSize', 'optimizer', 'learningRate', 'schedule', 'augment', 'seed'), anyValue, { maxKeys: 3 })),
  },
  { requiredKeys: ['format', 'version'] },
);
