/**
 * One block as ONNX nodes (opset 13), channels first (N, C, H, W) with the studio's NHWC results:
 *
 *   - Conv2d: Conv with explicit pads [top, left, bottom, right], so TensorFlow's "same" keeps its
 *     uneven split (the odd pixel at the bottom and right); DepthwiseConv2d: Conv with one group
 *     per input channel.
 *   - BatchNorm: BatchNormalization in inference form (the moving statistics).
 *   - Pooling: MaxPool, or AveragePool with count_include_pad=0 (TensorFlow averages over the
 *     pixels inside the image), with the same explicit pads.
 *   - Flatten of a map larger than 1×1: Transpose to (N, H, W, C) first, so the features come out
 *     in the studio's order and a Dense after it takes the studio's weights unchanged.
 *   - Dense: Gemm with transB=1 (weight (out, in), PyTorch's layout). Add: Add, or Sum of three or
 *     more. Concat: Concat on the channel axis.
 *   - Dropout: nothing (inference). Activations: the ONNX operator of that name, or its formula
 *     where opset 13 has none (relu6 = Clip(0, 6), swish = x·Sigmoid(x), mish = x·Tanh(Softplus(x)),
 *     gelu = x·(1 + Erf(x/√2))/2, exactly as TensorFlow.js computes it).
 *   - Output: Softmax on the class axis, or Identity for logits.
 */
import type { ActivationFunction, GraphNode } from '../graph/types.ts';
import type { WeightTensor } from '../weights/types.ts';
import { batchNormTensors, toTorchTensors } from '../weights/torch-layout.ts';
import type { PlannedNode } from './export-plan.ts';
import { float, int, ints, type OnnxGraphBuilder } from './onnx-builder.ts';
import { windowSides, type Sides } from './pytorch-padding.ts';

/** What a block's conversion works with: the graph so far, the block's input value names and weights. */
export interface OnnxStep {
  builder: OnnxGraphBuilder;
  step: PlannedNode;
  /** The value names of the block's inputs, in edge order. */
  inputs: string[];
  /** The block's weights in the studio's layout; [] for a block without any. */
  weights: WeightTensor[];
  /** Initializer names are `${prefix}.weight` and so on, as in a PyTorch state dict. */
  prefix: string;
}

/** Emits the block's nodes and returns the name of the value holding its output. */
export function onnxBlock(s: OnnxStep): string {
  const { builder, step, inputs } = s;
  const node = step.node;
  const id = node.id;
  const [x] = inputs as [string];
  switch (node.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return convolution(s, node);
    case 'batchNorm': {
      // BatchNormalization takes a scale and a shift always: 1 and 0 where the block learns none.
      const named = batchNormTensors(node, s.weights, true).map(([name, tensor]) => builder.weight(`${s.prefix}.${name}`, tensor));
      const attributes = { epsilon: float(node.params.epsilon), momentum: float(node.params.momentum) };
      return builder.node('BatchNormalization', id, [x, ...named], attributes, id);
    }
    case 'activation':
      return activation(builder, id, x, node.params.function, node.params.alpha);
    case 'dropout':
      // Inference: dropout passes its input through unchanged.
      return x;
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = node.params;
      const strides = p.strides ?? p.poolSize;
      const sides = windowSides(p.padding, step.inputShape, p.poolSize, strides);
      const attributes = { kernel_shape: ints([...p.poolSize]), strides: ints([...strides]), pads: ints(onnxPads(sides)) };
      if (node.type === 'maxPool2d') return builder.node('MaxPool', id, [x], attributes, id);
      return builder.node('AveragePool', id, [x], { ...attributes, count_include_pad: int(0) }, id);
    }
    case 'globalAvgPool':
      if (node.params.keepDims) return builder.node('GlobalAveragePool', id, [x], {}, id);
      return builder.node('Flatten', `${id}/flatten`, [builder.node('GlobalAveragePool', `${id}/pool`, [x])], { axis: int(1) }, id);
    case 'flatten': {
      if (step.inputShape.length === 1) return x;
      const [height, width] = step.inputShape as [number, number, number];
      const source = height * width > 1 ? builder.node('Transpose', `${id}/to_nhwc`, [x], { perm: ints([0, 2, 3, 1]) }) : x;
      return builder.node('Flatten', id, [source], { axis: int(1) }, id);
    }
    case 'dense':
      return builder.node('Gemm', id, [x, ...initializers(s)], { transB: int(1) }, id);
    case 'add':
      return builder.node(inputs.length === 2 ? 'Add' : 'Sum', id, inputs, {}, id);
    case 'concat':
      return builder.node('Concat', id, inputs, { axis: int(1) }, id);
    case 'output':
      if (node.params.activation === 'softmax') return builder.node('Softmax', id, [x], { axis: int(1) }, id);
      return builder.node('Identity', id, [x], {}, id);
    case 'input':
      throw new Error('the Input block is the graph input');
  }
}

/** ONNX's pads order: all the starts, then all the ends. */
export function onnxPads(s: Sides): number[] {
  return [s.top, s.left, s.bottom, s.right];
}

/** The block's weights as initializers in PyTorch's layout and names; returns their names in input order. */
function initializers(s: OnnxStep): string[] {
  return toTorchTensors(s.step.node, s.weights).map(([name, tensor]) => s.builder.weight(`${s.prefix}.${name}`, tensor));
}

function convolution(s: OnnxStep, node: GraphNode<'conv2d' | 'depthwiseConv2d'>): string {
  const { builder, step, inputs } = s;
  const p = node.params;
  const sides = windowSides(p.padding, step.inputShape, p.kernelSize, p.strides, p.dilation);
  const attributes = {
    kernel_shape: ints([...p.kernelSize]),
    strides: ints([...p.strides]),
    dilations: ints([...p.dilation]),
    pads: ints(onnxPads(sides)),
    group: int(node.type === 'depthwiseConv2d' ? step.inputShape[2]! : 1),
  };
  return builder.node('Conv', node.id, [inputs[0]!, ...initializers(s)], attributes, node.id);
}

const UNARY: Partial<Record<ActivationFunction, string>> = {
  relu: 'Relu',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
  softsign: 'Softsign',
  linear: 'Identity',
};

/** SELU's constants as TensorFlow gives them (Klambauer et al. 2017). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function activation(builder: OnnxGraphBuilder, id: string, x: string, fn: ActivationFunction, alpha: number): string {
  const unary = UNARY[fn];
  if (unary) return builder.node(unary, id, [x], fn === 'elu' ? { alpha: float(1) } : {}, id);
  switch (fn) {
    case 'leakyRelu':
      return builder.node('LeakyRelu', id, [x], { alpha: float(alpha) }, id);
    case 'selu':
      return builder.node('Selu', id, [x], { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) }, id);
    case 'relu6': {
      const low = builder.constant(`${id}/min`, 'float', [], [0]);
      const high = builder.constant(`${id}/max`, 'float', [], [6]);
      return builder.node('Clip', id, [x, low, high], {}, id);
    }
    case 'swish':
      return builder.node('Mul', id, [x, builder.node('Sigmoid', `${id}/sigmoid`, [x])], {}, id);
    case 'mish': {
      const softplus = builder.node('Softplus', `${id}/softplus`, [x]);
      return builder.node('Mul', id, [x, builder.node('Tanh', `${id}/tanh`, [softplus])], {}, id);
    }
    case 'gelu': {
      const scaled = builder.node('Div', `${id}/div`, [x, builder.constant(`${id}/sqrt2`, 'float', [], [Math.SQRT2])]);
      const erf = builder.node('Erf', `${id}/erf`, [scaled]);
      const onePlus = builder.node('Add', `${id}/add`, [erf, builder.constant(`${id}/one`, 'float', [], [1])]);
      const half = builder.node('Mul', `${id}/half`, [x, builder.constant(`${id}/half_factor`, 'float', [], [0.5])]);
      return builder.node('Mul', id, [half, onePlus], {}, id);
    }
    default:
      throw new Error(`no ONNX form for the activation ${fn}`);
  }
}
