/**
 * Compiling a graph into a TensorFlow.js functional model. The TensorFlow.js namespace is passed
 * in, so the same code builds models for the wasm, cpu, node and node-gpu backends.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import type { Diagnostic, GraphAnalysis } from '../analysis/types.ts';
import { StudioError } from '../errors.ts';
import type { WeightInit } from '../graph/training-settings.ts';
import type { GraphDocument, GraphNode } from '../graph/types.ts';
import { installBatchNormAsKeras } from './batch-norm-layer.ts';
import { keepDimsPoolNames, layerNames, modelName, paddingLayerNames } from './layer-names.ts';

export type TensorFlow = typeof tfjs;
type Symbolic = tfjs.SymbolicTensor;

export class GraphNotCompilableError extends StudioError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the graph has ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}: ${diagnostics.map((d) => d.message).join('; ')}`);
    this.name = 'GraphNotCompilableError';
  }
}

export interface CompileOptions {
  /** The graph's analysis, when the caller has it already. */
  analysis?: GraphAnalysis;
  /** Seeds the weight initialisation, so that a run can be repeated. */
  seed?: number;
  /** How kernels start (biases start at zero); default `glorot`, Keras' own. */
  init?: WeightInit;
}

/**
 * Glorot (Xavier) uniform is Keras' default; the Kaiming (He) initialisations are what PyTorch
 * recipes for ReLU networks call: kaiming_normal_ and kaiming_uniform_ with mode "fan_in" and
 * nonlinearity "relu", std √(2 / fan_in), the uniform bound √3 times that.
 */
export type { WeightInit };

/** Builds the model; throws GraphNotCompilableError when the analysis reports an error. */
export function compileGraph(tf: TensorFlow, graph: GraphDocument, options: CompileOptions = {}): tfjs.LayersModel {
  const analysis = options.analysis ?? analyzeGraph(graph);
  if (!analysis.valid) {
    throw new GraphNotCompilableError(analysis.diagnostics.filter((d) => d.severity === 'error'));
  }
  installBatchNormAsKeras(tf);
  const names = layerNames(graph);
  const padNames = paddingLayerNames(graph, names);
  const poolNames = keepDimsPoolNames(graph, names, padNames);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const sources = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) sources.get(edge.target)!.push(edge.source);

  const tensors = new Map<string, Symbolic>();
  let input: Symbolic | undefined;
  let output: Symbolic | undefined;
  const context: LayerContext = { tf, analysis, seed: options.seed, init: options.init ?? 'glorot', layerIndex: 0, padNames, poolNames };
  for (const id of analysis.order) {
    const node = byId.get(id)!;
    const inputs = sources.get(id)!.map((source) => tensors.get(source)!);
    context.layerIndex += 1;
    const tensor = buildLayer(context, node, names.get(id)!, inputs);
    tensors.set(id, tensor);
    if (node.type === 'input') input = tensor;
    if (node.type === 'output') output = tensor;
  }
  return tf.model({ inputs: input!, outputs: output!, name: modelName(graph) });
}

interface LayerContext {
  tf: TensorFlow;
  analysis: GraphAnalysis;
  seed: number | undefined;
  init: WeightInit;
  layerIndex: number;
  /** The ZeroPadding2D layer's name, per node with explicit padding. */
  padNames: Map<string, string>;
  /** The GlobalAveragePooling2D layer's name, per GlobalAvgPool that keeps 1×1. */
  poolNames: Map<string, string>;
}

/**
 * The kernel initialiser the run asks for, seeded per layer when the run has a seed. `fanIn` is
 * PyTorch's fan-in of the weight: inputs per output (kernel height × width × input channels for a
 * convolution, × 1 for a depthwise one, whose groups see one channel each; inputs for Dense).
 */
function kernelInitializer({ tf, seed, init, layerIndex }: LayerContext, fanIn: number) {
  const seeded = seed === undefined ? {} : { seed: seed * 1000 + layerIndex };
  if (init === 'glorot') return tf.initializers.glorotUniform(seeded);
  const std = Math.sqrt(2 / fanIn);
  if (init === 'kaimingNormal') return tf.initializers.randomNormal({ mean: 0, stddev: std, ...seeded });
  return tf.initializers.randomUniform({ minval: -Math.sqrt(3) * std, maxval: Math.sqrt(3) * std, ...seeded });
}

/** Height × width of a kernel size (a number or a pair). */
const kernelArea = (size: number | readonly number[]) => (typeof size === 'number' ? size * size : size[0]! * size[1]!);

function buildLayer(context: LayerContext, node: GraphNode, name: string, inputs: Symbolic[]): Symbolic {
  const { tf, analysis } = context;
  const [x] = inputs as [Symbolic];
  // Keras' `trainable`: a frozen block's weights are left out of training (and a frozen
  // BatchNorm runs in inference mode, batch-norm-layer.ts); it is saved with the model.
  const trainable = node.trainable !== false;
  switch (node.type) {
    case 'input': {
      const p = node.params;
      return tf.input({ shape: [p.height, p.width, p.channels], name });
    }
    case 'conv2d': {
      const p = node.params;
      return tf.layers
        .conv2d({ name, trainable, kernelInitializer: kernelInitializer(context, kernelArea(p.kernelSize) * x.shape[3]!), filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, dilationRate: p.dilation, useBias: p.useBias, padding: layerPadding(p.padding) })
        .apply(padExplicitly(tf, x, p.padding, context.padNames.get(node.id))) as Symbolic;
    }
    case 'depthwiseConv2d': {
      const p = node.params;
      return tf.layers
        .depthwiseConv2d({ name, trainable, depthwiseInitializer: kernelInitializer(context, kernelArea(p.kernelSize)), kernelSize: p.kernelSize, depthMultiplier: p.depthMultiplier, strides: p.strides, dilationRate: p.dilation, useBias: p.useBias, padding: layerPadding(p.padding) })
        .apply(padExplicitly(tf, x, p.padding, context.padNames.get(node.id))) as Symbolic;
    }
    case 'batchNorm': {
      const p = node.params;
      return tf.layers
        .batchNormalization({ name, trainable, axis: -1, momentum: p.momentum, epsilon: p.epsilon, center: p.center !== false, scale: p.scale !== false })
        .apply(x) as Symbolic;
    }
    case 'activation': {
      const p = node.params;
      const layer = p.function === 'leakyRelu' ? tf.layers.leakyReLU({ name, trainable, alpha: p.alpha }) : tf.layers.activation({ name, trainable, activation: p.function });
      return layer.apply(x) as Symbolic;
    }
    case 'dropout':
      return tf.layers.dropout({ name, trainable, rate: node.params.rate }).apply(x) as Symbolic;
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = node.params;
      const args = { name, trainable, poolSize: p.poolSize, strides: p.strides ?? p.poolSize, padding: p.padding };
      const layer = node.type === 'maxPool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
      return layer.apply(x) as Symbolic;
    }
    case 'globalAvgPool': {
      if (!node.params.keepDims) return tf.layers.globalAveragePooling2d({ name, trainable }).apply(x) as Symbolic;
      // TensorFlow.js' GlobalAveragePooling2D has no keepdims: pool, then reshape to 1×1×C,
      // which Keras and the importer (import/keras.ts) read back as one block.
      const channels = analysis.nodes[node.id]!.outputShape![2]!;
      const pooled = tf.layers.globalAveragePooling2d({ name: context.poolNames.get(node.id)!, trainable }).apply(x) as Symbolic;
      return tf.layers.reshape({ name, trainable, targetShape: [1, 1, channels] }).apply(pooled) as Symbolic;
    }
    case 'flatten':
      // TensorFlow.js refuses Flatten on a flat vector; a Reshape to the same length keeps the
      // block (and its name) in the model, as the identity it is.
      if (x.shape.length <= 2) return tf.layers.reshape({ name, trainable, targetShape: [x.shape[1]!] }).apply(x) as Symbolic;
      return tf.layers.flatten({ name, trainable }).apply(x) as Symbolic;
    case 'dense':
      return tf.layers.dense({ name, trainable, kernelInitializer: kernelInitializer(context, x.shape[1]!), units: node.params.units, useBias: node.params.useBias }).apply(x) as Symbolic;
    case 'add':
      return tf.layers.add({ name, trainable }).apply(inputs) as Symbolic;
    case 'concat':
      return tf.layers.concatenate({ name, trainable, axis: -1 }).apply(inputs) as Symbolic;
    case 'output':
      return tf.layers.activation({ name, trainable, activation: node.params.activation === 'softmax' ? 'softmax' : 'linear' }).apply(x) as Symbolic;
  }
}

function layerPadding(padding: GraphNode<'conv2d'>['params']['padding']): 'valid' | 'same' {
  return padding === 'same' ? 'same' : 'valid';
}

/** Explicit padding (PyTorch's `padding=1`) becomes a ZeroPadding2D layer before a valid convolution. */
function padExplicitly(tf: TensorFlow, x: Symbolic, padding: GraphNode<'conv2d'>['params']['padding'], name: string | undefined): Symbolic {
  if (!Array.isArray(padding) || padding.every((p) => p === 0) || name === undefined) return x;
  const [top, bottom, left, right] = padding;
  return tf.layers.zeroPadding2d({ name, padding: [[top, bottom], [left, right]] }).apply(x) as Symbolic;
}
