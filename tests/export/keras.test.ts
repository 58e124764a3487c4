/**
 * The Keras exports. The Python script is read back (keras-source.ts) and compared layer by layer
 * with the model the studio compiles with TensorFlow.js: names, classes, settings and wiring, and
 * the expected totals in the text. The architecture JSON is loaded back by TensorFlow.js and by
 * the studio's own Keras importer. The script is not run: Debian 12 packages neither Keras nor
 * TensorFlow (`apt-cache policy python3-keras python3-tensorflow`: no candidate), unlike PyTorch,
 * whose exports run for real in pytorch-real.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { keepDimsPoolNames, layerNames, paddingLayerNames } from '../../main/compile/layer-names.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportKerasJson, exportKerasPython, GraphNotExportableError } from '../../main/export/index.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { chainOf } from '../support/graphs.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { randomGraph } from '../support/random-graph.ts';
import { parseKerasScript, type KerasCall } from './keras-source.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const PRESETS = [
  ...Array.from({ length: 10 }, (_, i) => ({ label: `journey round ${i + 1}`, path: journeyPath(i + 1) })),
  ...['lenet-5', 'small-resnet', 'inception-block'].map((name) => ({ label: name, path: `${RESOURCES}presets/${name}.json` })),
];

/** The settings compared per class, with Keras' defaults for those the script leaves out. */
const COMPARED: Record<string, Record<string, unknown>> = {
  InputLayer: { batch_input_shape: undefined },
  Conv2D: { filters: undefined, kernel_size: undefined, strides: [1, 1], padding: undefined, dilation_rate: [1, 1], use_bias: true },
  DepthwiseConv2D: { kernel_size: undefined, depth_multiplier: 1, strides: [1, 1], padding: undefined, use_bias: true },
  BatchNormalization: { momentum: undefined, epsilon: undefined, center: true, scale: true },
  Activation: { activation: undefined },
  LeakyReLU: { alpha: undefined },
  Dropout: { rate: undefined },
  MaxPooling2D: { pool_size: undefined, strides: undefined, padding: undefined },
  AveragePooling2D: { pool_size: undefined, strides: undefined, padding: undefined },
  GlobalAveragePooling2D: {},
  Flatten: {},
  Dense: { units: undefined, use_bias: true },
  ZeroPadding2D: { padding: undefined },
  Add: {},
  Concatenate: { axis: undefined },
};

/** The compared settings, and whether the layer is frozen (every class but the input has `trainable`). */
function pick(className: string, config: Record<string, unknown>): Record<string, unknown> {
  const keys = COMPARED[className];
  if (!keys) throw new Error(`unexpected layer class ${className}`);
  const trainable = className === 'InputLayer' ? {} : { trainable: config.trainable ?? true };
  return { ...Object.fromEntries(Object.entries(keys).map(([key, fallback]) => [key, config[key] ?? fallback])), ...trainable };
}

interface JsonLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

/** What the compiled model has (its Keras JSON), in the script's spelling where the two legitimately differ. */
function compiledCalls(graph: GraphDocument): KerasCall[] {
  // TensorFlow.js has no keepdims: the studio compiles GlobalAvgPool(keepDims) to a
  // GlobalAveragePooling2D (`<name>_pool`) and a Reshape to 1×1×C named after the block; and a
  // Flatten of a flat vector, which TensorFlow.js refuses, to a Reshape of the same length.
  const names = layerNames(graph);
  const poolNames = keepDimsPoolNames(graph, names, paddingLayerNames(graph, names));
  const pools = new Set(poolNames.values());
  const keepDims = new Set([...poolNames.keys()].map((id) => names.get(id)!));
  const poolInputs = new Map<string, string[]>();
  const json = exportKerasJson(tf, graph) as { config: { layers: JsonLayer[] } };
  const calls: KerasCall[] = [];
  for (const { name, class_name: className, config, inbound_nodes: inbound } of json.config.layers) {
    const inputs = inbound.length === 0 ? [] : inbound[0]!.map((ref) => ref[0]);
    const trainable = { trainable: config.trainable ?? true };
    if (pools.has(name)) poolInputs.set(name, inputs);
    else if (keepDims.has(name)) calls.push({ name, className: 'GlobalAveragePooling2D', config: trainable, inputs: poolInputs.get(inputs[0]!)! });
    else if (className === 'Reshape') calls.push({ name, className: 'Flatten', config: trainable, inputs });
    else if (className === 'Activation' && config.activation === 'relu6') calls.push({ name, className: 'ReLU6', config: trainable, inputs });
    else calls.push({ name, className, config: pick(className, config), inputs });
  }
  return calls;
}

function scriptCalls(source: string): KerasCall[] {
  return parseKerasScript(source).map((call) => {
    const trainable = { trainable: call.config.trainable ?? true };
    if (call.className === 'ReLU' && call.config.max_value === 6) return { ...call, className: 'ReLU6', config: trainable };
    if (call.className === 'GlobalAveragePooling2D' && call.config.keepdims === true) return { ...call, config: trainable };
    return { ...call, config: pick(call.className, call.config) };
  });
}

function expectScriptMatchesCompiledModel(graph: GraphDocument): void {
  const analysis = analyzeGraph(graph);
  const source = exportKerasPython(graph, analysis);
  const compiled = compiledCalls(graph);
  const script = scriptCalls(source);
  // The compiled model lists layers in its own (topological) order; compare by name, then check the script's order.
  expect(new Map(script.map((c) => [c.name, c]))).toEqual(new Map(compiled.map((c) => [c.name, c])));
  const position = new Map(script.map((c, i) => [c.name, i]));
  for (const call of script) for (const input of call.inputs) expect(position.get(input)!).toBeLessThan(position.get(call.name)!);
  expect(source).toContain(`\nEXPECTED_TOTAL_PARAMS = ${analysis.totals.params.total}  #`);
  expect(source).toContain(`\nEXPECTED_TRAINABLE_PARAMS = ${analysis.totals.params.trainable}\n`);
}

describe.each(PRESETS)('Keras export of $label', ({ path }) => {
  const graph = loadPreset(path);
  const analysis = analyzeGraph(graph);

  it('writes the compiled model layer for layer, with the expected totals in the text', () => {
    expectScriptMatchesCompiledModel(graph);
  });

  it('writes the layers in the analysis order, then the model, summary and count check', () => {
    const source = exportKerasPython(graph);
    const names = parseKerasScript(source).map((call) => call.name).filter((name) => !name.endsWith('_pad'));
    expect(names).toEqual(analysis.order);
    expect(source).toMatch(/\noutputs = layers\.Activation\("(softmax|linear)", name="output"\)\(\w+\)\nmodel = keras\.Model\(inputs, outputs, name=".*"\)\n/);
    expect(source).toContain('    model.summary()');
    expect(source).toContain('    assert model.count_params() == EXPECTED_TOTAL_PARAMS, (');
    expect(source).toContain(analysis.totals.params.total.toLocaleString('en-US'));
    for (const line of source.split('\n')) expect((line.length - line.trimStart().length) % 4, line).toBe(0);
  });

  it('exports the architecture JSON that TensorFlow.js loads back with the same parameters', async () => {
    const before = tf.memory().numTensors;
    const json = exportKerasJson(tf, graph, analysis);
    expect(tf.memory().numTensors).toBe(before);
    expect(json.class_name).toBe('Model');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const model = await tf.models.modelFromJSON(json as tf.io.ModelJSON['modelTopology'] as never);
    try {
      expect(model.countParams()).toBe(analysis.totals.params.total);
      const trainable = model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
      expect(trainable).toBe(analysis.totals.params.trainable);
    } finally {
      model.dispose();
    }
  });

  // Explicit padding (journey rounds 1 and 8) goes out as ZeroPadding2D and comes back folded into the conv.
  it("round-trips through the studio's Keras importer to the same parameter totals", () => {
    const result = importKerasTopology(exportKerasJson(tf, graph));
    if (!result.ok) throw new Error(result.problems.join('; '));
    const back = analyzeGraph(result.graph);
    expect(back.diagnostics).toEqual([]);
    expect(back.totals.params).toEqual(analysis.totals.params);
    // Block by block, found by layer name: same kind, same output shape and parameters.
    const names = layerNames(graph);
    for (const node of graph.nodes) {
      const name = names.get(node.id)!;
      expect(result.graph.nodes.find((n) => n.id === name)?.type, node.id).toBe(node.type);
      expect(back.nodes[name]!.outputShape, node.id).toEqual(analysis.nodes[node.id]!.outputShape);
      expect(back.nodes[name]!.params, node.id).toEqual(analysis.nodes[node.id]!.params);
    }
    expect(result.graph.nodes).toHaveLength(graph.nodes.length);
  });
});

describe('Keras export', () => {
  it('writes explicit padding as ZeroPadding2D before a valid convolution', () => {
    const source = exportKerasPython(loadPreset(journeyPath(1)));
    expect(source).toContain('x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="conv1_pad")(inputs)\nx = layers.Conv2D(32, (3, 3), padding="valid", name="conv1")(x)\n');
  });

  it('writes BatchNorm with Keras momentum and epsilon, and GlobalAvgPool keepDims as keepdims=True', () => {
    const source = exportKerasPython(loadPreset(journeyPath(7)));
    expect(source).toContain('x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="bn1")(x)');
    expect(source).toContain('x = layers.GlobalAveragePooling2D(keepdims=True, name="gap1")(x)');
  });

  it('wires branches by variable and merges them in edge order', () => {
    const source = exportKerasPython(loadPreset(`${RESOURCES}presets/small-resnet.json`));
    expect(source).toMatch(/\nx = layers\.Add\(name="res1_add"\)\(\[res1_bn2, stem_relu\]\)\n/);
  });

  it('writes every activation', () => {
    const functions = ['relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'gelu', 'swish', 'mish', 'sigmoid', 'tanh', 'softplus', 'softsign', 'linear'];
    const graph = chainOf([4, 4, 1], [{ type: 'flatten' }, ...functions.map((fn) => ({ type: 'activation', params: { function: fn, alpha: 0.2 } })), { type: 'output', params: { activation: 'none' } }]);
    expectScriptMatchesCompiledModel(graph);
    expect(exportKerasPython(graph)).toContain('x = layers.LeakyReLU(0.2, name="b4")(x)');
  });

  it('matches the compiled model for 100 seeded random graphs', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 100; i++) {
      const graph = randomGraph(random);
      try {
        expectScriptMatchesCompiledModel(graph);
      } catch (error) {
        throw new Error(`random graph ${i}: ${(error as Error).message}\n${exportKerasPython(graph)}`);
      }
    }
  });

  it('refuses a graph the analysis rejects, saying why', () => {
    const graph = chainOf([4, 4, 1], [{ type: 'flatten' }]);
    expect(() => exportKerasPython(graph)).toThrow(GraphNotExportableError);
    expect(() => exportKerasPython(graph)).toThrow(/cannot export the graph as Keras: it has 1 error \(the graph has no Output block/);
    expect(() => exportKerasJson(tf, graph)).toThrow(/cannot export the graph as Keras JSON/);
  });
});
