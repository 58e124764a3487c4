/**
 * Importing Keras and TensorFlow.js topologies. The fixtures in tests/fixtures/keras follow what
 * each tool writes: Keras 2.0.8 (Sequential config as a bare list), Keras 2.12 and Keras 3.6
 * `to_json()`, and a tensorflowjs_converter model.json of a Keras 2.15 model, written by hand after
 * those versions' output; the two tfjs-layers-*.json files were saved by the @tensorflow/tfjs 4.22
 * this project depends on. Parameter totals are worked out by hand in the comments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { importKerasTopology, looksLikeKerasTopology, type ImportResult } from '../../main/import/keras.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

const FIXTURES = [
  'keras2-sequential-round07.json',
  'keras2.0-sequential-bare-list.json',
  'keras3-functional-resnet.json',
  'tfjs-layers-inception.json',
  'tfjs-converted-lenet5.json',
  'tfjs-layers-sequential-depthwise.json',
];

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/keras/${name}`, import.meta.url), 'utf8'));
}

function imported(value: unknown): { graph: GraphDocument; notes: string[] } {
  const result = importKerasTopology(value);
  if (!result.ok) throw new Error(`import failed: ${result.problems.join('; ')}`);
  return result;
}

function problemsOf(value: unknown): string[] {
  let result: ImportResult | undefined;
  expect(() => (result = importKerasTopology(value))).not.toThrow();
  expect(result!.ok).toBe(false);
  return result!.ok ? [] : result!.problems;
}

const node = (graph: GraphDocument, id: string) => graph.nodes.find((n) => n.id === id);
const sourcesOf = (graph: GraphDocument, id: string) => graph.edges.filter((e) => e.target === id).map((e) => e.source);

/** A minimal Keras 3 Sequential for the small cases; the fixtures carry the full configs. */
type LayerEntry = { class_name: string; config: Record<string, unknown> };

function keras3Sequential(layers: LayerEntry[], batchShape: unknown[] = [null, 8, 8, 3]) {
  const input = { batch_shape: batchShape, dtype: 'float32', sparse: false, name: 'input_layer' };
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: input, registered_name: null },
        ...layers.map((l) => ({ module: 'keras.layers', registered_name: null, ...l })),
      ],
      build_input_shape: batchShape,
    },
    registered_name: null,
    build_config: { input_shape: batchShape },
    compile_config: null,
  };
}

const conv = (name: string, extra: Record<string, unknown> = {}): LayerEntry => ({
  class_name: 'Conv2D',
  config: {
    name,
    filters: 4,
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'same',
    data_format: 'channels_last',
    activation: 'linear',
    use_bias: true,
    ...extra,
  },
});
const layer = (class_name: string, name: string, extra: Record<string, unknown> = {}): LayerEntry => ({
  class_name,
  config: { name, ...extra },
});

describe('importing Keras 2 Sequential models', () => {
  const round7 = fixture('keras2-sequential-round07.json');

  it('rebuilds journey round 7 block for block, with its 9,896 parameters', () => {
    const { graph, notes } = imported(round7);
    const preset = loadPreset(journeyPath(7));
    expect(graph.nodes.map((n) => n.type)).toEqual(preset.nodes.map((n) => n.type));

    // Trainable, by hand: convolutions (no bias) 1·9·8 + 8·9·16 + 16·9·16 + 16·9·32 + 32·1·8 + 8·9·16
    // + 16·1·10 = 72 + 1,152 + 2,304 + 4,608 + 256 + 1,152 + 160 = 9,704; BatchNorm gamma and beta
    // 2·(8 + 16 + 16 + 32 + 8 + 16) = 192; 9,704 + 192 = 9,896. Non-trainable: the moving means
    // and variances, again 192.
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.params).toEqual({ trainable: 9_896, nonTrainable: 192, total: 10_088 });
    expect(analysis.totals.macs).toBe(analyzeGraph(preset).totals.macs);
    expect(analysis.outputShape).toEqual([10]);
    expect(analysis.nodes.global_average_pooling2d!.outputShape).toEqual([1, 1, 16]);

    expect(graph.name).toBe('journey_round_07');
    expect(graph.description).toBe('Imported from Keras 2.12.0 Sequential "journey_round_07".');
    expect(notes).toEqual([]);
  });

  it('names blocks after the layers and lays them out in one column', () => {
    const { graph } = imported(round7);
    expect(graph.nodes.slice(0, 4).map((n) => n.id)).toEqual(['conv2d_input', 'conv2d', 'conv2d_relu', 'batch_normalization']);
    expect(node(graph, 'conv2d')!.params).toEqual({
      filters: 8,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      dilation: [1, 1],
      useBias: false,
    });
    expect(node(graph, 'batch_normalization')!.params).toEqual({ momentum: 0.99, epsilon: 0.001 });
    expect(node(graph, 're_lu')!.params).toEqual({ function: 'relu', alpha: 0.01 });
    expect(node(graph, 'global_average_pooling2d')!.params).toEqual({ keepDims: true });
    // The final Activation("softmax") is the Output block.
    expect(node(graph, 'activation')).toMatchObject({ type: 'output', params: { activation: 'softmax' } });
    graph.nodes.forEach((n, index) => expect(n.position).toEqual({ x: 0, y: 90 * index }));
    expect(graph.edges.length).toBe(graph.nodes.length - 1);
  });

  it('reads Keras 2.0 files, whose Sequential config is a bare list', () => {
    const { graph, notes } = imported(fixture('keras2.0-sequential-bare-list.json'));
    // The input block is named as Keras names it, after the first layer.
    expect(graph.nodes[0]).toMatchObject({ id: 'conv2d_1_input', params: { height: 28, width: 28, channels: 1 } });
    // Keras' mnist_cnn: 1·9·32 + 32 = 320; 32·9·64 + 64 = 18,496; 28 → 26 → 24 → pooled 12, so
    // 12·12·64 = 9,216 features; 9,216·128 + 128 = 1,179,776; 128·10 + 10 = 1,290. Sum 1,199,882.
    expect(analyzeGraph(graph).totals.params.trainable).toBe(1_199_882);
    expect(node(graph, 'dropout_1')!.params).toEqual({ rate: 0.25 });
    expect(node(graph, 'dense_2_softmax')).toMatchObject({ type: 'output', params: { activation: 'softmax' } });
    expect(notes).toEqual([]);
  });
});

describe('importing Keras 3 Functional models', () => {
  it('wires a residual net through its Add layers', () => {
    const { graph, notes } = imported(fixture('keras3-functional-resnet.json'));
    expect(graph.description).toBe('Imported from Keras 3 Functional "resnet_mini".');
    expect(notes).toEqual([]);
    expect(sourcesOf(graph, 'add')).toEqual(['batch_normalization_2', 'activation']);
    expect(sourcesOf(graph, 'add_1')).toEqual(['batch_normalization_4', 'batch_normalization_5']);
    expect(node(graph, 'conv2d_3')!.params).toMatchObject({ strides: [2, 2], padding: 'same' });

    // Trainable, by hand (no conv biases): stem 3·9·16 = 432; two 16→16 3×3 convs 2·2,304 = 4,608;
    // stage 2 16·9·32 = 4,608, 32·9·32 = 9,216, 1×1 shortcut 16·32 = 512; BatchNorm 2·(3·16 + 3·32)
    // = 288; Dense 32·10 + 10 = 330. 432 + 4,608 + 4,608 + 9,216 + 512 + 288 + 330 = 19,994.
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.params).toEqual({ trainable: 19_994, nonTrainable: 288, total: 20_282 });
    expect(analysis.nodes.add_1!.outputShape).toEqual([16, 16, 32]);
    expect(node(graph, 'dense_softmax')).toMatchObject({ type: 'output', params: { activation: 'softmax' } });
  });

  it('puts the two paths of a projection block side by side and the join between them', () => {
    const { graph } = imported(fixture('keras3-functional-resnet.json'));
    const at = (id: string) => node(graph, id)!.position!;
    expect(at('conv2d_3').x).toBeLessThan(0);
    expect(at('conv2d_5').x).toBeGreaterThan(0);
    expect(at('conv2d_3').y).toBe(at('conv2d_5').y);
    expect(at('batch_normalization_4').x).toBe(at('conv2d_3').x);
    expect(at('add_1').x).toBe(0);
    expect(at('add_1').y).toBe(at('batch_normalization_4').y + 90);
    // The identity block's skip connection does not push the main path sideways.
    expect(at('conv2d_1').x).toBe(0);
  });
});

describe('importing TensorFlow.js model.json files', () => {
  it('joins an inception block in the order the Concatenate layer lists its inputs', () => {
    const value = fixture('tfjs-layers-inception.json');
    expect(looksLikeKerasTopology(value)).toBe(true);
    const { graph, notes } = imported(value);
    expect(graph.description).toBe('Imported from TensorFlow.js (tfjs-layers 4.22.0) Model "inception_mini".');
    expect(notes).toEqual(['the weights listed in weightsManifest are not imported; the graph starts untrained']);
    // The layers list has the 1×1 branch (Conv2D2) after the pool; the inbound nodes put it first.
    expect(sourcesOf(graph, 'concatenate_Concatenate1')).toEqual([
      'conv2d_Conv2D2_relu',
      'conv2d_Conv2D4_relu',
      'conv2d_Conv2D6_relu',
      'conv2d_Conv2D7_relu',
    ]);
    expect(node(graph, 'max_pooling2d_MaxPooling2D1')!.params).toEqual({ poolSize: [3, 3], strides: [1, 1], padding: 'same' });

    // By hand: stem 1·9·16 + 16 = 160; branches 16·8 + 8 = 136; 16·8 + 8 = 136 then 8·9·16 + 16
    // = 1,168; 16·4 + 4 = 68 then 4·25·8 + 8 = 808; pool then 16·8 + 8 = 136; Dense on the
    // 8 + 16 + 8 + 8 = 40 channels 40·10 + 10 = 410. 160 + 136 + 136 + 1,168 + 68 + 808 + 136 + 410 = 3,022,
    // the total tfjs' own model.summary() prints.
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.params).toEqual({ trainable: 3_022, nonTrainable: 0, total: 3_022 });
    expect(analysis.nodes.concatenate_Concatenate1!.outputShape).toEqual([28, 28, 40]);
  });

  it('lays the four branches out side by side', () => {
    const { graph } = imported(fixture('tfjs-layers-inception.json'));
    const firsts = ['conv2d_Conv2D3', 'conv2d_Conv2D5', 'max_pooling2d_MaxPooling2D1', 'conv2d_Conv2D2'];
    expect(firsts.map((id) => node(graph, id)!.position)).toEqual([-330, -110, 110, 330].map((x) => ({ x, y: 270 })));
    expect(node(graph, 'conv2d_Conv2D4')!.position!.x).toBe(-330); // stays in its branch
    expect(node(graph, 'concatenate_Concatenate1')!.position).toEqual({ x: 0, y: 630 });
  });

  it('unwraps a converted Keras model (modelTopology.model_config): LeNet-5 with a Dense softmax output', () => {
    const { graph } = imported(fixture('tfjs-converted-lenet5.json'));
    expect(graph.description).toBe('Imported from TensorFlow.js (Keras 2.15.0) Sequential "lenet5".');
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'input_1',
      'conv2d',
      'conv2d_tanh',
      'average_pooling2d',
      'conv2d_1',
      'conv2d_1_tanh',
      'average_pooling2d_1',
      'flatten',
      'dense',
      'dense_tanh',
      'dense_1',
      'dense_1_tanh',
      'dense_2',
      'dense_2_softmax',
    ]);
    expect(node(graph, 'dense_2')!.params).toEqual({ units: 10, useBias: true });
    expect(node(graph, 'dense_2_softmax')).toMatchObject({ type: 'output', params: { activation: 'softmax' } });
    // By hand: 1·25·6 + 6 = 156; 6·25·16 + 16 = 2,416; 28 → 28 (same) → 14 → 10 → 5, 5·5·16 = 400;
    // 400·120 + 120 = 48,120; 120·84 + 84 = 10,164; 84·10 + 10 = 850. Sum 61,706.
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.params.trainable).toBe(61_706);
  });
  it('reads a Sequential saved by tfjs-layers, which has no InputLayer', () => {
    const { graph } = imported(fixture('tfjs-layers-sequential-depthwise.json'));
    expect(graph.nodes.map((n) => [n.id, n.type])).toEqual([
      ['conv2d_Conv2D1_input', 'input'],
      ['conv2d_Conv2D1', 'conv2d'],
      ['conv2d_Conv2D1_relu6', 'activation'],
      ['batch_normalization_BatchNormalization1', 'batchNorm'],
      ['depthwise_conv2d_DepthwiseConv2D1', 'depthwiseConv2d'],
      ['depthwise_conv2d_DepthwiseConv2D1_elu', 'activation'],
      ['leaky_re_lu_LeakyReLU1', 'activation'],
      ['average_pooling2d_AveragePooling2D1', 'avgPool2d'],
      ['global_average_pooling2d_GlobalAveragePooling2D1', 'globalAvgPool'],
      ['dense_Dense1', 'dense'],
      ['softmax_Softmax1', 'output'],
    ]);
    expect(node(graph, 'depthwise_conv2d_DepthwiseConv2D1')!.params).toMatchObject({ depthMultiplier: 2, padding: 'same' });
    expect(node(graph, 'leaky_re_lu_LeakyReLU1')!.params).toEqual({ function: 'leakyRelu', alpha: 0.1 });
    // By hand: 1·9·8 + 8 = 80; BatchNorm 2·8 = 16 (and 16 moving statistics); depthwise with
    // multiplier 2 gives 16 channels, 3·3·16 + 16 = 160; Dense 16·10 + 10 = 170. 80 + 16 + 160 + 170
    // = 426 trainable, 442 in all, as tfjs' model.summary() prints.
    expect(analyzeGraph(graph).totals.params).toEqual({ trainable: 426, nonTrainable: 16, total: 442 });
  });
});

describe('layer mapping details', () => {
  it('ends a model without softmax in an Output block that passes logits through', () => {
    const { graph } = imported(
      keras3Sequential([conv('conv2d'), layer('Flatten', 'flatten'), layer('Dense', 'dense', { units: 5, activation: 'linear' })]),
    );
    expect(graph.nodes.at(-1)).toMatchObject({ id: 'output', type: 'output', params: { activation: 'none' } });
    expect(sourcesOf(graph, 'output')).toEqual(['dense']);
    // 3·9·4 + 4 = 112; 8·8·4 = 256 features, 256·5 + 5 = 1,285. Sum 1,397.
    expect(analyzeGraph(graph).totals.params.trainable).toBe(1_397);
  });

  it('maps the activation layers and their settings', () => {
    const { graph } = imported(
      keras3Sequential([
        { class_name: 'ReLU', config: { name: 're_lu', max_value: 6.0, negative_slope: 0.0, threshold: 0.0 } },
        { class_name: 'LeakyReLU', config: { name: 'leaky_re_lu', negative_slope: 0.1 } },
        { class_name: 'LeakyReLU', config: { name: 'leaky_re_lu_1', alpha: 0.2 } }, // Keras 2 and TF.js
        { class_name: 'ReLU', config: { name: 're_lu_1', max_value: null, negative_slope: 0.05, threshold: 0.0 } },
        { class_name: 'ELU', config: { name: 'elu', alpha: 1.0 } },
        { class_name: 'Activation', config: { name: 'activation', activation: 'silu' } },
        conv('conv2d', { activation: 'gelu' }),
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap', data_format: 'channels_last', keepdims: false } },
        { class_name: 'Softmax', config: { name: 'softmax', axis: -1 } },
      ]),
    );
    const fn = (id: string) => node(graph, id)!.params;
    expect(fn('re_lu')).toEqual({ function: 'relu6', alpha: 0.01 });
    expect(fn('leaky_re_lu')).toEqual({ function: 'leakyRelu', alpha: 0.1 });
    expect(fn('leaky_re_lu_1')).toEqual({ function: 'leakyRelu', alpha: 0.2 });
    expect(fn('re_lu_1')).toEqual({ function: 'leakyRelu', alpha: 0.05 });
    expect(fn('elu')).toEqual({ function: 'elu', alpha: 0.01 });
    expect(fn('activation')).toMatchObject({ function: 'swish' });
    expect(fn('conv2d_gelu')).toMatchObject({ function: 'gelu' });
    expect(node(graph, 'softmax')).toMatchObject({ type: 'output', params: { activation: 'softmax' } });
  });

  it('turns a Dense on a feature map into a 1×1 convolution, with the same weights', () => {
    const { graph, notes } = imported(keras3Sequential([layer('Dense', 'dense', { units: 6, activation: 'relu' }), { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } }]));
    expect(node(graph, 'dense')).toMatchObject({ type: 'conv2d', params: { filters: 6, kernelSize: [1, 1], useBias: true } });
    // 3 channels · 6 + 6 biases, as Keras' Dense on the last axis counts.
    expect(analyzeGraph(graph).nodes.dense!.params.trainable).toBe(24);
    expect(notes).toEqual([]);
  });

  it('carries trainable: false and BatchNormalization center and scale into the graph', () => {
    const { graph } = imported(
      keras3Sequential([
        conv('conv2d', { trainable: false, activation: 'relu' }),
        layer('BatchNormalization', 'bn', { axis: -1, momentum: 0.9, epsilon: 1e-5, center: false }),
        layer('BatchNormalization', 'bn_frozen', { axis: -1, scale: false, trainable: false }),
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
      ]),
    );
    // The layer is frozen, so both of its blocks are; Keras counts 3·9·4 + 4 = 112 non-trainable.
    expect(node(graph, 'conv2d')).toMatchObject({ trainable: false });
    expect(node(graph, 'conv2d_relu')).toMatchObject({ trainable: false });
    expect(node(graph, 'bn')!.params).toEqual({ momentum: 0.9, epsilon: 1e-5, center: false });
    expect(node(graph, 'bn')!.trainable).toBeUndefined();
    expect(node(graph, 'bn_frozen')).toMatchObject({ trainable: false, params: { scale: false } });
    const analysis = analyzeGraph(graph);
    expect(analysis.nodes.conv2d!.params).toEqual({ trainable: 0, nonTrainable: 112 });
    expect(analysis.nodes.bn!.params).toEqual({ trainable: 4, nonTrainable: 8 }); // γ only, and the moving statistics
    expect(analysis.nodes.bn_frozen!.params).toEqual({ trainable: 0, nonTrainable: 12 }); // β, and the moving statistics
  });

  it('refuses, by layer and setting, what a graph cannot hold instead of dropping it', () => {
    const problems = problemsOf(
      keras3Sequential([
        layer('Dense', 'dense', { units: 6, kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } }, bias_constraint: { class_name: 'NonNeg', config: {} } }),
        layer('BatchNormalization', 'bn', { renorm: true, virtual_batch_size: 8 }),
        { class_name: 'SpatialDropout2D', config: { name: 'spatial_dropout2d', rate: 0.1, data_format: 'channels_last' } },
        { class_name: 'Dropout', config: { name: 'dropout', rate: 0.1, noise_shape: [null, 1, 1, 6] } },
        { class_name: 'ELU', config: { name: 'elu', alpha: 0.5 } },
        { class_name: 'Conv2D', config: { ...conv('lora').config, lora_rank: 4, activity_regularizer: { class_name: 'L1', config: { l1: 0.1 } } } },
        { class_name: 'Reshape', config: { name: 'reshape', target_shape: [4, 16, 3] } },
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
      ]),
    );
    expect(problems).toEqual([
      '"dense" (Dense): kernel_regularizer L2 {"l2":0.01} cannot be imported: a CNN Studio graph has no weight penalties',
      '"dense" (Dense): bias_constraint NonNeg {} cannot be imported: a CNN Studio graph has no weight constraints',
      '"bn" (BatchNormalization): renorm (batch renormalization) is not supported',
      '"bn" (BatchNormalization): virtual_batch_size 8 (ghost batch normalization) is not supported',
      '"spatial_dropout2d" (SpatialDropout2D): it drops whole channels, which the studio\'s Dropout (single values) does not; use Dropout',
      '"dropout" (Dropout): noise_shape [null,1,1,6] is not supported; the studio\'s Dropout drops single values',
      '"elu" (ELU): alpha 0.5 is not supported; the studio\'s ELU has alpha 1',
      '"lora" (Conv2D): activity_regularizer L1 {"l1":0.1} cannot be imported: a CNN Studio graph has no weight penalties',
      '"lora" (Conv2D): lora_rank 4 (LoRA weights) is not supported',
      '"reshape" (Reshape): target_shape [4,16,3] is not supported (only a flat vector, or 1×1×C after GlobalAveragePooling2D)',
    ]);
  });

  it('reads a GlobalAveragePooling2D and a Reshape to 1×1×C as one GlobalAvgPool that keeps 1×1', () => {
    const { graph } = imported(
      keras3Sequential([
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap_pool' } },
        { class_name: 'Reshape', config: { name: 'gap', target_shape: [1, 1, 3] } },
        conv('head', { kernel_size: [1, 1] }),
        layer('Flatten', 'flatten'),
      ]),
    );
    expect(graph.nodes.map((n) => [n.id, n.type])).toEqual([['input_layer', 'input'], ['gap', 'globalAvgPool'], ['head', 'conv2d'], ['flatten', 'flatten'], ['output', 'output']]);
    expect(node(graph, 'gap')!.params).toEqual({ keepDims: true });
    expect(sourcesOf(graph, 'gap')).toEqual(['input_layer']);
  });

  it('refuses a Reshape to 1×1×C that does not follow a global pooling', () => {
    expect(problemsOf(keras3Sequential([conv('c'), { class_name: 'Reshape', config: { name: 'r', target_shape: [1, 1, 4] } }, layer('Flatten', 'f')]))).toEqual([
      '"r" (Reshape) to 1×1×C can only be imported right after a GlobalAveragePooling2D that feeds nothing else',
    ]);
  });

  it('keeps the ids unique when a layer name is already taken', () => {
    const { graph } = imported(
      keras3Sequential([
        conv('conv2d', { activation: 'relu' }),
        layer('Activation', 'conv2d_relu', { activation: 'tanh' }),
        layer('Flatten', 'output'),
      ]),
    );
    expect(graph.nodes.map((n) => n.id)).toEqual(['input_layer', 'conv2d', 'conv2d_relu_2', 'conv2d_relu', 'output', 'output_2']);
  });

  it('takes the input shape from batch_input_shape on the first layer, or build_input_shape', () => {
    const bare = keras3Sequential([conv('conv2d')]);
    bare.config.layers.shift();
    expect(imported(bare).graph.nodes[0]).toMatchObject({ id: 'conv2d_input', params: { height: 8, width: 8, channels: 3 } });
    bare.config.build_input_shape = undefined as never;
    bare.build_config.input_shape = undefined as never;
    expect(problemsOf(bare)).toEqual([
      'the Sequential model does not give its input shape: ' +
        'there is no InputLayer and no batch_input_shape on the first layer "conv2d"',
    ]);
  });
});

describe('refusing what the studio cannot build', () => {
  it('lists every unsupported layer by name and class', () => {
    const problems = problemsOf(fixture('keras2-functional-unsupported.json'));
    expect(problems).toEqual([
      'unsupported layers: "lstm" (LSTM), "lambda" (Lambda) ' +
        '(CNN Studio can import InputLayer, ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, Activation, ReLU, LeakyReLU, ' +
        'ELU, Softmax, Dropout, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, ' +
        'Dense, Add, Concatenate)',
      '"reshape" (Reshape): target_shape [28,224] is not supported (only a flat vector, or 1×1×C after GlobalAveragePooling2D)',
    ]);
  });

  it('names the layer that uses channels_first', () => {
    const value = fixture('keras2-sequential-round07.json') as { config: { layers: { config: Record<string, unknown> }[] } };
    value.config.layers[6]!.config.data_format = 'channels_first';
    expect(problemsOf(value)).toEqual([
      '"conv2d_2" (Conv2D): data_format "channels_first" is not supported; only channels_last (height × width × channels)',
    ]);
  });

  it('refuses grouped convolutions, a BatchNorm off the channel axis and softmax in the middle', () => {
    const problems = problemsOf(
      keras3Sequential([
        conv('conv2d', { groups: 2 }),
        { class_name: 'BatchNormalization', config: { name: 'bn', axis: [1] } },
        { class_name: 'Activation', config: { name: 'activation', activation: 'softmax' } },
        { class_name: 'Concatenate', config: { name: 'c', axis: 1 } },
        { class_name: 'ReLU', config: { name: 're_lu', max_value: 4 } },
        { class_name: 'Activation', config: { name: 'activation_1', activation: 'hard_sigmoid' } },
        { class_name: 'Conv1D', config: { name: 'conv1d' } },
      ]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^unsupported layers: "conv1d" \(Conv1D\) \(/),
      '"conv2d" (Conv2D): groups 2 (grouped convolution) is not supported',
      '"bn" (BatchNormalization): axis [1] is not the channel axis; only -1 or 3 is supported',
      '"activation" (Activation): softmax is only supported at the model output',
      '"c" (Concatenate): axis 1 is not the channel axis; only -1 or 3 is supported',
      '"re_lu" (ReLU): max_value 4 is not supported (only none, or 6 for ReLU6)',
      '"activation_1" (Activation): activation "hard_sigmoid" is not supported',
    ]);
  });

  it('accepts a BatchNorm on a flat vector when its axis is that vector', () => {
    const { graph } = imported(
      keras3Sequential([layer('Flatten', 'flatten'), layer('BatchNormalization', 'bn', { axis: [1] })]),
    );
    expect(node(graph, 'bn')!.type).toBe('batchNorm');
  });

  it('refuses a sparse input by name', () => {
    const value = keras3Sequential([conv('conv2d')]);
    (value.config.layers[0]!.config as Record<string, unknown>).sparse = true;
    expect(problemsOf(value)).toEqual(['"input_layer" (InputLayer): a sparse input is not supported; CNN Studio\'s input is a dense image']);
  });

  it('needs an image input of fixed size', () => {
    expect(problemsOf(keras3Sequential([], [null, 784]))).toEqual([
      '"input_layer" (InputLayer): the input shape [null,784] is not an image; CNN Studio needs height × width × channels',
    ]);
    expect(problemsOf(keras3Sequential([], [null, null, null, 3]))).toEqual([
      '"input_layer" (InputLayer): the input shape [null,null,null,3] has unknown sizes; ' +
        'CNN Studio needs a fixed height, width and channel count',
    ]);
  });

  it('refuses shared layers, several inputs or outputs, and broken wiring', () => {
    const tensor = (name: string, node = 0) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 8, 8, 3], dtype: 'float32', keras_history: [name, node, 0] },
    });
    const functional = (layers: unknown[], outputs: unknown = [['b', 0, 0]], inputs: unknown = [['in', 0, 0]]) => ({
      class_name: 'Functional',
      config: { name: 'f', layers, input_layers: inputs, output_layers: outputs },
    });
    const input = { class_name: 'InputLayer', name: 'in', config: { batch_shape: [null, 8, 8, 3], name: 'in' }, inbound_nodes: [] };
    const relu = (name: string, ...inbound: unknown[]) => ({
      class_name: 'ReLU',
      name,
      config: { name },
      inbound_nodes: inbound.map((t) => ({ args: [t], kwargs: {} })),
    });
    expect(problemsOf(functional([input, relu('b', tensor('in'), tensor('in'))]))).toEqual([
      '"b" (ReLU) is called 2 times (a shared layer); each CNN Studio block is used once',
    ]);
    expect(problemsOf(functional([input, relu('a', tensor('in')), relu('b', tensor('a', 1))]))).toEqual([
      '"b" (ReLU) uses "a" a second time (a shared layer); each CNN Studio block is used once',
    ]);
    const twoOutputs = functional([input, relu('a', tensor('in')), relu('b', tensor('in'))], [['a', 0, 0], ['b', 0, 0]]);
    expect(problemsOf(twoOutputs)).toEqual([
      'the model has 2 outputs ("a", "b"); a CNN Studio graph has exactly one',
    ]);
    expect(problemsOf(functional([input, relu('b', tensor('nowhere'))]))).toEqual([
      '"b" (ReLU) takes its input from "nowhere", which is not in the layers list',
    ]);
    expect(problemsOf(functional([input, relu('a', tensor('b')), relu('b', tensor('a'))]))).toEqual([
      'the layers "a", "b" feed each other in a cycle',
    ]);
    // Keras 3 may write a single output without the outer list.
    expect(importKerasTopology(functional([input, relu('b', tensor('in'))], ['b', 0, 0])).ok).toBe(true);
  });
});

describe('telling formats apart and surviving garbage', () => {
  it('recognises Keras and TF.js topologies, not CNN Studio graphs', () => {
    for (const name of FIXTURES) expect(looksLikeKerasTopology(fixture(name))).toBe(true);
    const preset = JSON.parse(readFileSync(journeyPath(7), 'utf8'));
    expect(looksLikeKerasTopology(preset)).toBe(false);
    expect(problemsOf(preset)).toEqual(['this is already a CNN Studio graph document; open it instead of importing it']);
    for (const value of [null, undefined, [], {}, '', 'model.json', 7, { class_name: 'Dense', config: {} }]) {
      expect(looksLikeKerasTopology(value)).toBe(false);
    }
  });

  it('answers garbage with problems, never an exception', () => {
    expect(problemsOf(null)).toEqual(['expected a Keras model topology (a JSON object) but found null']);
    expect(problemsOf([])).toEqual(['expected a Keras model topology (a JSON object) but found a list']);
    expect(problemsOf('{"class_name": "Sequential"}')).toEqual([
      'expected a Keras model topology (a JSON object) but found a string',
    ]);
    expect(problemsOf({})[0]).toMatch(/^no Keras model found: expected "class_name"/);
    expect(problemsOf({ class_name: 'Sequential' })).toEqual(['the Sequential model has no "config"']);
    expect(problemsOf({ class_name: 'Dense', config: {} })[0]).toMatch(/not a model/);
    expect(problemsOf({ class_name: 'Sequential', config: { layers: 'conv' } })).toEqual([
      'the Sequential config has no "layers" list',
    ]);
    expect(problemsOf({ class_name: 'Sequential', config: { layers: [] } })).toEqual(['the Sequential model has no layers']);
    expect(problemsOf({ class_name: 'Functional', config: { layers: [null, { class_name: 'Conv2D' }] } })).toEqual([
      'layers[0] is not a Keras layer (expected an object with "class_name" and "config")',
      'layers[1] (Conv2D) has no "config" object',
      'the Functional config does not name its input (no "input_layers")',
      'the Functional config does not name its output (no "output_layers")',
    ]);
    expect(problemsOf({ format: 'layers-model', modelTopology: null })).toEqual(['modelTopology must be an object but is null']);
    expect(problemsOf({ format: 'graph-model', modelTopology: { node: [] } })[0]).toMatch(/TensorFlow.js graph model/);
    expect(problemsOf(keras3Sequential([conv('conv2d', { filters: 'many', kernel_size: null })]))).toEqual([
      '"conv2d" (Conv2D): filters must be a number (found "many")',
      '"conv2d" (Conv2D): kernel_size is missing',
    ]);
    // A class named like an Object.prototype member is still just an unknown layer.
    expect(problemsOf(keras3Sequential([layer('toString', 'x')]))[0]).toMatch(/^unsupported layers: "x" \(toString\)/);
  });

  it('never throws on randomly damaged fixtures', () => {
    // A small deterministic generator, so a failure can be replayed.
    let seed = 12345;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const junk = [null, undefined, 0, -1, 'x', [], {}, [null], { class_name: '__keras_tensor__' }, ['a', 0, 0], true, NaN];
    const damage = (value: unknown): unknown => {
      if (random() < 0.04) return junk[Math.floor(random() * junk.length)];
      if (Array.isArray(value)) return value.map(damage);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, damage(v)]));
      return value;
    };
    for (const name of FIXTURES) {
      const original = fixture(name);
      for (let i = 0; i < 60; i += 1) {
        const result = importKerasTopology(damage(original));
        if (result.ok) expect(result.graph.format).toBe('cnn-studio/graph');
        else expect(result.problems.length).toBeGreaterThan(0);
        if (!result.ok) expect(result.problems.join('\n')).not.toMatch(/could not import the model/);
      }
    }
  });
});
