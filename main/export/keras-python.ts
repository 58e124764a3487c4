/**
 * Exporting a graph as a Keras (TensorFlow 2) functional-API script: `keras.Input`, one layer
 * call per block with the layer names the studio's compiled model uses, `keras.Model(inputs,
 * outputs)`, then `model.summary()` and a check of `model.count_params()` against the studio's
 * total (trainable + non-trainable: BatchNorm's moving mean and variance count in Keras).
 * Keras is channels last like the studio, so shapes and flatten order carry over unchanged.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import { layerNames, modelName, paddingLayerNames } from '../compile/layer-names.ts';
import type { ActivationFunction, GraphDocument, GraphNode } from '../graph/types.ts';
import { planExport, type PlannedNode } from './export-plan.ts';
import { docstringOpening, grouped, pyFloat, pyString, pyTuple } from './python-names.ts';

const ACTIVATIONS: Record<Exclude<ActivationFunction, 'leakyRelu' | 'relu6'>, string> = {
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  swish: 'swish',
  mish: 'mish',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  softsign: 'softsign',
  linear: 'linear',
};

/** The Keras script; throws GraphNotExportableError when the analysis reports an error. */
export function exportKerasPython(graph: GraphDocument, analysis?: GraphAnalysis): string {
  const plan = planExport(graph, analysis, { target: 'Keras', inputVariable: 'inputs' });
  const { trainable, nonTrainable, total } = plan.analysis.totals.params;
  const names = kerasNames(graph);

  const body: string[] = [];
  for (const step of plan.steps) {
    const name = names.get(step.node.id)!;
    if (step.node.type === 'input') {
      const p = step.node.params;
      body.push(`inputs = keras.Input(shape=${pyTuple([p.height, p.width, p.channels])}, name=${pyString(name)})`);
      continue;
    }
    const target = step.node.type === 'output' ? 'outputs' : step.variable;
    const source = step.inputs.length === 1 ? step.inputs[0]! : `[${step.inputs.join(', ')}]`;
    const calls = kerasLayers(step, name, names.get(`${step.node.id}\u0000pad`));
    // Innermost first: a padding layer gets its own line before the convolution.
    calls.reverse().forEach((layer, index) => body.push(`${target} = ${layer}(${index === 0 ? source : target})`));
  }

  return [
    ...docstringOpening(graph),
    'Exported from CNN Studio as a Keras (TensorFlow 2) functional model, channels last like the studio.',
    `Parameters: ${grouped(trainable)} trainable + ${grouped(nonTrainable)} non-trainable = ${grouped(total)} (model.count_params()).`,
    '"""',
    'import numpy as np',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    `EXPECTED_TRAINABLE_PARAMS = ${trainable}`,
    `EXPECTED_TOTAL_PARAMS = ${total}  # trainable + non-trainable (BatchNorm moving mean and variance)`,
    '',
    ...body,
    `model = keras.Model(inputs, outputs, name=${pyString(modelName(graph))})`,
    '',
    'if __name__ == "__main__":',
    '    model.summary()',
    '    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)',
    '    assert trainable == EXPECTED_TRAINABLE_PARAMS, (',
    '        f"expected {EXPECTED_TRAINABLE_PARAMS:,} trainable parameters, got {trainable:,}"',
    '    )',
    '    assert model.count_params() == EXPECTED_TOTAL_PARAMS, (',
    '        f"expected {EXPECTED_TOTAL_PARAMS:,} parameters in all, got {model.count_params():,}"',
    '    )',
    '',
  ].join('\n');
}

/**
 * Layer names as the compiled model has them (compile/layer-names.ts), plus a unique name for
 * each explicit padding layer, keyed `${id}\0pad`.
 */
function kerasNames(graph: GraphDocument): Map<string, string> {
  const names = layerNames(graph);
  for (const [id, name] of paddingLayerNames(graph, names)) names.set(`${id}\u0000pad`, name);
  return names;
}

/** `layers.Name(arg, ..., name="...")`, leaving out arguments given as undefined. */
type Make = (layer: string, ...args: (string | undefined)[]) => string;

/** The layer constructors a block becomes, outermost first: `[conv, pad]` is `conv(pad(x))`. */
function kerasLayers(step: PlannedNode, name: string, padName: string | undefined): string[] {
  const node = step.node;
  // A frozen block is a layer with trainable=False: Keras leaves its weights out of training and
  // runs a frozen BatchNormalization in inference mode, as the studio does.
  const frozen = node.trainable === false ? 'trainable=False' : undefined;
  const make: Make = (layer, ...args) =>
    `layers.${layer}(${[...args.filter((a) => a !== undefined), `name=${pyString(name)}`, frozen].filter((a) => a !== undefined).join(', ')})`;
  switch (node.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return convolution(node, make, padName);
    case 'batchNorm': {
      const p = node.params;
      return [
        make(
          'BatchNormalization',
          `momentum=${pyFloat(p.momentum)}`,
          `epsilon=${pyFloat(p.epsilon)}`,
          p.center === false ? 'center=False' : undefined,
          p.scale === false ? 'scale=False' : undefined,
        ),
      ];
    }
    case 'activation': {
      const p = node.params;
      // Positional, since Keras 2 calls the slope `alpha` and Keras 3 `negative_slope`.
      if (p.function === 'leakyRelu') return [make('LeakyReLU', pyFloat(p.alpha))];
      if (p.function === 'relu6') return [make('ReLU', 'max_value=6.0')];
      return [make('Activation', pyString(ACTIVATIONS[p.function]))];
    }
    case 'dropout':
      return [make('Dropout', pyFloat(node.params.rate))];
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = node.params;
      const layer = node.type === 'maxPool2d' ? 'MaxPooling2D' : 'AveragePooling2D';
      return [make(layer, `pool_size=${pyTuple(p.poolSize)}`, `strides=${pyTuple(p.strides ?? p.poolSize)}`, `padding=${pyString(p.padding)}`)];
    }
    case 'globalAvgPool':
      return [make('GlobalAveragePooling2D', node.params.keepDims ? 'keepdims=True' : undefined)];
    case 'flatten':
      return [make('Flatten')];
    case 'dense':
      return [make('Dense', String(node.params.units), node.params.useBias ? undefined : 'use_bias=False')];
    case 'add':
      return [make('Add')];
    case 'concat':
      return [make('Concatenate', 'axis=-1')];
    case 'output':
      return [make('Activation', pyString(node.params.activation === 'softmax' ? 'softmax' : 'linear'))];
    case 'input':
      throw new Error('the Input block is written by the script itself');
  }
}

/** Conv2D or DepthwiseConv2D; explicit padding is a ZeroPadding2D before a "valid" one, as the studio compiles it. */
function convolution(node: GraphNode<'conv2d' | 'depthwiseConv2d'>, make: Make, padName: string | undefined): string[] {
  const p = node.params;
  const layer = make(
    node.type === 'conv2d' ? 'Conv2D' : 'DepthwiseConv2D',
    node.type === 'conv2d' ? String(node.params.filters) : undefined,
    pyTuple(p.kernelSize),
    node.type === 'depthwiseConv2d' && node.params.depthMultiplier !== 1 ? `depth_multiplier=${node.params.depthMultiplier}` : undefined,
    p.strides.every((s) => s === 1) ? undefined : `strides=${pyTuple(p.strides)}`,
    `padding=${pyString(p.padding === 'same' ? 'same' : 'valid')}`,
    p.dilation.every((d) => d === 1) ? undefined : `dilation_rate=${pyTuple(p.dilation)}`,
    p.useBias ? undefined : 'use_bias=False',
  );
  if (!Array.isArray(p.padding) || padName === undefined) return [layer];
  const [top, bottom, left, right] = p.padding;
  return [layer, `layers.ZeroPadding2D(padding=((${top}, ${bottom}), (${left}, ${right})), name=${pyString(padName)})`];
}
