/**
 * Mutations that know what a Keras topology is: layers renamed onto each other, fed from unknown
 * layers or from themselves, removed or repeated, given another class or an activation that is no
 * activation (`constructor`, `toString`); plus the generic JSON mutations of json-mutations.ts.
 */
import fc from 'fast-check';
import { applyJsonMutation, copyDocument, isPlainObject, jsonMutation, nastyString, pathsOf, valueAt, type JsonMutation } from './json-mutations.ts';

type Layer = Record<string, unknown> & { config?: unknown; inbound_nodes?: unknown; name?: unknown };

export type KerasMutation =
  | { kind: 'json'; mutation: JsonMutation }
  | { kind: 'renameOnto'; at: number; other: number }
  | { kind: 'feedFrom'; at: number; source: string | number }
  | { kind: 'removeLayer'; at: number }
  | { kind: 'repeatLayer'; at: number }
  | { kind: 'setClass'; at: number; className: string }
  | { kind: 'setActivation'; at: number; activation: string };

const CLASS_NAMES = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'Dense', 'Flatten', 'Add', 'Concatenate', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'Softmax', 'Dropout', 'ZeroPadding2D',
  'Conv3D', 'LSTM', 'Lambda', 'constructor', '__proto__', 'toString',
];

/** Keras activation names, and names that every object answers to. */
export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const ACTIVATION_NAMES = ['relu', 'softmax', 'linear', 'sigmoid', 'leaky_relu', 'keras.activations.relu', 'swish', 'hard_sigmoid', ...PROTOTYPE_NAMES];

export const kerasMutation: fc.Arbitrary<KerasMutation> = fc.oneof(
  { weight: 6, arbitrary: jsonMutation.map((mutation) => ({ kind: 'json' as const, mutation })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameOnto' as const), at: fc.nat(), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('feedFrom' as const), at: fc.nat(), source: fc.oneof(fc.nat(), nastyString) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeLayer' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeatLayer' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setClass' as const), at: fc.nat(), className: fc.constantFrom(...CLASS_NAMES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('setActivation' as const), at: fc.nat(), activation: fc.constantFrom(...ACTIVATION_NAMES) }) },
);

export function mutateKeras(document: unknown, mutations: KerasMutation[]): unknown {
  let value = copyDocument(document);
  for (const mutation of mutations) value = applyKerasMutation(value, mutation);
  return value;
}

function applyKerasMutation(document: unknown, mutation: KerasMutation): unknown {
  if (mutation.kind === 'json') return applyJsonMutation(document, mutation.mutation).value;
  const layers = layersOf(document);
  if (!layers || layers.length === 0) return document;
  const layer = (i: number) => layers[i % layers.length]!;
  switch (mutation.kind) {
    case 'renameOnto': {
      const name = nameOf(layer(mutation.other));
      const target = layer(mutation.at);
      target.name = name;
      if (isPlainObject(target.config)) target.config.name = name;
      return document;
    }
    case 'feedFrom': {
      const source = typeof mutation.source === 'number' ? nameOf(layer(mutation.source)) : mutation.source;
      // Keras 2's form; the reader understands it whatever version wrote the rest.
      layer(mutation.at).inbound_nodes = [[[source, 0, 0, {}]]];
      return document;
    }
    case 'removeLayer':
      layers.splice(mutation.at % layers.length, 1);
      return document;
    case 'repeatLayer':
      layers.push(copyDocument(layer(mutation.at)));
      return document;
    case 'setClass':
      layer(mutation.at).class_name = mutation.className;
      return document;
    case 'setActivation': {
      const target = layer(mutation.at);
      target.config = { ...(isPlainObject(target.config) ? target.config : {}), activation: mutation.activation };
      return document;
    }
  }
}

/** The first list of objects with a `class_name`: the model's layers, in any of the formats. */
function layersOf(document: unknown): Layer[] | undefined {
  for (const path of pathsOf(document, 2_000)) {
    const value = valueAt(document, path);
    if (Array.isArray(value) && value.length > 0 && value.every((item) => isPlainObject(item) && 'class_name' in item)) return value as Layer[];
  }
  return undefined;
}

function nameOf(layer: Layer): unknown {
  return layer.name ?? (isPlainObject(layer.config) ? layer.config.name : undefined);
}
