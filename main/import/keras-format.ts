/**
 * Reading the Keras file formats: a Keras 2 or Keras 3 `model.to_json()` (Sequential or
 * Functional), and a TensorFlow.js `model.json` that wraps one. What comes out is one flat list
 * of layers in dependency order, each with the names of the layers that feed it, so the layer
 * mapping never has to know which format or version a model came from. Never throws.
 */
import { nestingProblem } from '../nesting-depth.ts';
import { formatLimit, MAX_ID_LENGTH, MAX_NODES } from '../graph/limits.ts';
import { quoteValue } from '../graph/quote-value.ts';

/** One Keras layer, whatever format it was written in. */
export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** The layers whose outputs this one takes, in call order (Concatenate joins them so). */
  inputs: string[];
}

export interface KerasModel {
  /** Where the model came from, for the imported graph's description. */
  source: string;
  name?: string;
  /** Inputs before the layers that use them; the first is the model's InputLayer. */
  layers: KerasLayer[];
  /** The layer whose output is the model's output. */
  output: string;
  notes: string[];
}

export type FormatResult = { ok: true; model: KerasModel } | { ok: false; problems: string[] };

const MODEL_CLASSES = ['Sequential', 'Functional', 'Model'];

/** A Keras or TensorFlow.js topology, as opposed to a CNN Studio graph or anything else. */
export function looksLikeKerasTopology(value: unknown): boolean {
  if (!isRecord(value) || value.format === 'cnn-studio/graph') return false;
  if (isRecord(value.modelTopology) || isRecord(value.model_config)) return true;
  return typeof value.class_name === 'string' && MODEL_CLASSES.includes(value.class_name) && 'config' in value;
}

export function readKerasModel(value: unknown): FormatResult {
  // collectRefs walks inbound nodes recursively: the depth is bounded before it starts.
  const tooDeep = nestingProblem(value, 'the model');
  if (tooDeep) return fail(tooDeep);
  const found = findTopology(value);
  if (typeof found === 'string') return fail(found);
  const { topology, origin, notes } = found;
  const className = topology.class_name;
  const modelName = isRecord(topology.config) && typeof topology.config.name === 'string' ? topology.config.name : undefined;
  const read =
    className === 'Sequential' ? readSequential(topology) : readFunctional(topology.config, String(className));
  if (!read.ok) return read;
  const source = `${origin} ${String(className)}${modelName ? ` "${modelName}"` : ''}`;
  return { ok: true, model: { source, name: modelName, layers: read.layers, output: read.output, notes } };
}

interface Found {
  topology: Record<string, unknown>;
  origin: string;
  notes: string[];
}

/** Unwraps model.json and model_config envelopes down to `{class_name, config}`. */
function findTopology(value: unknown): Found | string {
  if (!isRecord(value)) {
    return `expected a Keras model topology (a JSON object) but found ${describeKind(value)}`;
  }
  if (value.format === 'cnn-studio/graph') {
    return 'this is already a CNN Studio graph document; open it instead of importing it';
  }
  if (value.format === 'graph-model') {
    return (
      'this is a TensorFlow.js graph model (a frozen TensorFlow graph); ' +
      'only layers models (format "layers-model") can be imported'
    );
  }
  const notes: string[] = [];
  let topology: unknown = value;
  let origin = 'Keras';
  if ('modelTopology' in value) {
    topology = value.modelTopology;
    origin = 'TensorFlow.js';
    if (Array.isArray(value.weightsManifest) && value.weightsManifest.length > 0) {
      notes.push('the weights listed in weightsManifest are not imported; the graph starts untrained');
    }
    if (!isRecord(topology)) return `modelTopology must be an object but is ${describeKind(topology)}`;
  }
  const version = isRecord(topology) ? topology.keras_version : undefined;
  if (isRecord(topology) && 'model_config' in topology) topology = topology.model_config;
  if (!isRecord(topology)) return `model_config must be an object but is ${describeKind(topology)}`;
  // TF.js writes its own version ("tfjs-layers 4.22.0") or, converted, the Keras one ("2.15.0").
  if (typeof version === 'string') {
    origin += origin === 'Keras' ? ` ${version}` : ` (${/^\d/.test(version) ? 'Keras ' : ''}${version})`;
  } else if (origin === 'Keras' && typeof topology.module === 'string') origin = 'Keras 3'; // Keras 3 writes no version

  const className = topology.class_name;
  if (typeof className !== 'string') {
    return (
      'no Keras model found: expected "class_name" ("Sequential", "Functional" or "Model") and "config", ' +
      'or a TensorFlow.js model.json with "modelTopology"'
    );
  }
  if (!MODEL_CLASSES.includes(className)) {
    return `the top level is a ${quoteValue(className, 60)}, not a model; expected "Sequential", "Functional" or "Model"`;
  }
  if (!('config' in topology) || topology.config === null) return `the ${className} model has no "config"`;
  return { topology, origin, notes };
}

type Read = { ok: true; layers: KerasLayer[]; output: string } | { ok: false; problems: string[] };

/** Sequential: a chain; the input shape is an InputLayer or `batch_input_shape` on the first layer. */
function readSequential(topology: Record<string, unknown>): Read {
  const config = topology.config;
  // Keras 2.0 and 2.1 wrote the layer list as the whole config.
  const list = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(list)) return fail('the Sequential config has no "layers" list');
  if (list.length === 0) return fail('the Sequential model has no layers');
  if (list.length > MAX_NODES) return fail(tooManyLayers(list.length));

  const problems: string[] = [];
  const layers: KerasLayer[] = [];
  list.forEach((entry, index) => {
    const layer = readLayerEntry(entry, `layers[${index}]`, index);
    if (typeof layer === 'string') problems.push(layer);
    else layers.push(layer);
  });
  if (problems.length > 0) return { ok: false, problems };

  const first = layers[0]!;
  if (first.className !== 'InputLayer') {
    const shape =
      first.config.batch_input_shape ??
      (isRecord(config) ? config.build_input_shape : undefined) ??
      (isRecord(topology.build_config) ? topology.build_config.input_shape : undefined);
    if (!Array.isArray(shape)) {
      return fail(
        'the Sequential model does not give its input shape: ' +
          `there is no InputLayer and no batch_input_shape on the first layer "${first.name}"`,
      );
    }
    layers.unshift({ name: `${first.name}_input`, className: 'InputLayer', config: { batch_input_shape: shape }, inputs: [] });
  }
  for (let i = 1; i < layers.length; i += 1) layers[i]!.inputs = [layers[i - 1]!.name];
  const names = checkUniqueNames(layers);
  if (names) return fail(names);
  return { ok: true, layers, output: layers[layers.length - 1]!.name };
}

/** Functional (Keras 2 "Model"/"Functional", Keras 3 "Functional"): layers wired by inbound nodes. */
function readFunctional(config: unknown, className: string): Read {
  if (!isRecord(config) || !Array.isArray(config.layers)) return fail(`the ${className} config has no "layers" list`);
  if (config.layers.length > MAX_NODES) return fail(tooManyLayers(config.layers.length));
  const problems: string[] = [];
  const layers: KerasLayer[] = [];
  config.layers.forEach((entry, index) => {
    const layer = readLayerEntry(entry, `layers[${index}]`, index);
    if (typeof layer === 'string') {
      problems.push(layer);
      return;
    }
    const inputs = readInbound((entry as Record<string, unknown>).inbound_nodes, layer);
    if (typeof inputs === 'string') problems.push(inputs);
    else layers.push({ ...layer, inputs });
  });
  const ends = (key: 'input_layers' | 'output_layers', what: string): string | undefined => {
    const refs = collectRefs(config[key]);
    if (refs.length === 1) return refs[0]!.name;
    problems.push(
      refs.length === 0
        ? `the ${className} config does not name its ${what} (no "${key}")`
        : `the model has ${refs.length} ${what}s (${refs.slice(0, 10).map((r) => quoteValue(r.name, 60)).join(', ')}); ` +
          'a CNN Studio graph has exactly one',
    );
    return undefined;
  };
  const input = ends('input_layers', 'input');
  const output = ends('output_layers', 'output');
  if (problems.length > 0) return { ok: false, problems };

  const names = checkUniqueNames(layers);
  if (names) return fail(names);
  const sorted = sortLayers(layers);
  if (typeof sorted === 'string') return fail(sorted);
  const byName = new Map(sorted.map((l) => [l.name, l]));
  if (byName.get(input!)?.className !== 'InputLayer') {
    return fail(`the model input ${quoteValue(input, 60)} is not an InputLayer in the layers list`);
  }
  if (!byName.has(output!)) return fail(`the model output ${quoteValue(output, 60)} is not in the layers list`);
  // Keep the InputLayer first, as the layer mapping expects.
  return { ok: true, layers: [byName.get(input!)!, ...sorted.filter((l) => l.name !== input)], output: output! };
}

/** Refused before reading the layers: sorting them takes time that grows with the square of their number. */
function tooManyLayers(count: number): string {
  return `the model has ${formatLimit(count)} layers; a CNN Studio graph has at most ${formatLimit(MAX_NODES)} blocks`;
}

function readLayerEntry(entry: unknown, where: string, index: number): KerasLayer | string {
  if (!isRecord(entry) || typeof entry.class_name !== 'string') {
    return `${where} is not a Keras layer (expected an object with "class_name" and "config")`;
  }
  // Names become block ids and appear in every message about the layer; keep both short.
  if (entry.class_name.length > MAX_ID_LENGTH) return `${where} has a class_name of ${formatLimit(entry.class_name.length)} characters; no layer class is that long`;
  const config = entry.config;
  if (!isRecord(config)) return `${where} (${entry.class_name}) has no "config" object`;
  const name =
    typeof entry.name === 'string' && entry.name !== ''
      ? entry.name
      : typeof config.name === 'string' && config.name !== ''
        ? config.name
        : `${entry.class_name.toLowerCase()}_${index}`;
  if (name.length > MAX_ID_LENGTH) {
    return `${where} (${entry.class_name}) has a name of ${formatLimit(name.length)} characters; a block's id has at most ${formatLimit(MAX_ID_LENGTH)}`;
  }
  return { name, className: entry.class_name, config, inputs: [] };
}

interface TensorRef {
  name: string;
  node: number;
  tensor: number;
}

/** The layers feeding one layer; a layer called more than once (shared weights) is refused. */
function readInbound(value: unknown, layer: KerasLayer): string[] | string {
  const label = `"${layer.name}" (${layer.className})`;
  if (value === undefined || value === null) {
    return layer.className === 'InputLayer' ? [] : `${label} has no "inbound_nodes"`;
  }
  if (!Array.isArray(value)) return `${label}: "inbound_nodes" must be a list`;
  if (value.length > 1) {
    return `${label} is called ${value.length} times (a shared layer); each CNN Studio block is used once`;
  }
  if (value.length === 0) {
    return layer.className === 'InputLayer' ? [] : `${label} is not connected to anything (no inbound nodes)`;
  }
  const call = value[0];
  // Keras 3 writes {args, kwargs}; tensors passed as keyword arguments count only when args has none.
  let refs = isRecord(call) && 'args' in call ? collectRefs(call.args) : collectRefs(call);
  if (refs.length === 0 && isRecord(call)) refs = collectRefs(call.kwargs);
  if (refs.length === 0) return `${label}: could not read which layers feed it from "inbound_nodes"`;
  for (const ref of refs) {
    if (ref.node > 0) return `${label} uses ${quoteValue(ref.name, 60)} a second time (a shared layer); each CNN Studio block is used once`;
    if (ref.tensor > 0) {
      return `${label} takes output ${ref.tensor} of ${quoteValue(ref.name, 60)}, a layer with several outputs, which is not supported`;
    }
  }
  return refs.map((r) => r.name);
}

/**
 * Tensor references in any nesting: Keras 2's `["conv2d", 0, 0, {}]`, `input_layers`'
 * `["input_1", 0, 0]`, and Keras 3's `{"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}`.
 */
function collectRefs(value: unknown): TensorRef[] {
  if (isHistory(value)) return [{ name: value[0], node: value[1], tensor: value[2] }];
  if (Array.isArray(value)) return value.flatMap(collectRefs);
  if (!isRecord(value)) return [];
  if (value.class_name === '__keras_tensor__') {
    return isRecord(value.config) ? collectRefs(value.config.keras_history) : [];
  }
  return Object.values(value).flatMap(collectRefs);
}

function isHistory(value: unknown): value is [string, number, number, ...unknown[]] {
  return (
    Array.isArray(value) &&
    value.length >= 3 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number'
  );
}

function checkUniqueNames(layers: KerasLayer[]): string | undefined {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) return `two layers are named "${layer.name}"; layer names must be unique`;
    seen.add(layer.name);
  }
  return undefined;
}

/** Dependency order, keeping the file's order where it allows; unknown names and cycles are errors. */
function sortLayers(layers: KerasLayer[]): KerasLayer[] | string {
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const layer of layers) {
    const missing = layer.inputs.find((name) => !byName.has(name));
    if (missing !== undefined) {
      return `"${layer.name}" (${layer.className}) takes its input from ${quoteValue(missing, 60)}, which is not in the layers list`;
    }
  }
  const done = new Set<string>();
  const order: KerasLayer[] = [];
  while (order.length < layers.length) {
    const next = layers.find((l) => !done.has(l.name) && l.inputs.every((name) => done.has(name)));
    if (!next) {
      const stuck = layers.filter((l) => !done.has(l.name)).map((l) => `"${l.name}"`);
      return `the layers ${stuck.join(', ')} feed each other in a cycle`;
    }
    done.add(next.name);
    order.push(next);
  }
  return order;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(problem: string): { ok: false; problems: string[] } {
  return { ok: false, problems: [problem] };
}
