/**
 * One block as PyTorch: the layers it declares in `__init__` and the expression that computes its
 * output in `forward`. PyTorch is channels first (N, C, H, W), so shapes in the comments are
 * (C, H, W). Input and Output are handled by the file itself (pytorch.ts).
 */
import type { ActivationFunction, GraphNode } from '../graph/types.ts';
import { channelsFirst, type PlannedNode } from './export-plan.ts';
import { pyFloat, pyPair, pyTuple, type PythonNamer } from './python-names.ts';
import { hasPadding, isSymmetric, padTuple, torchPoolPadding, windowSides } from './pytorch-padding.ts';

export interface TorchStep {
  /** `__init__` lines, unindented: comments and `self.<name> = nn.<Layer>(...)  # -> (C, H, W)`. */
  init: string[];
  /** Comments to put in `forward` before the line computing this block. */
  notes: string[];
  /** The block's output computed from its inputs. */
  expression: string;
}

const ACTIVATIONS: Record<Exclude<ActivationFunction, 'leakyRelu'>, string> = {
  relu: 'ReLU()',
  relu6: 'ReLU6()',
  elu: 'ELU()',
  selu: 'SELU()',
  gelu: 'GELU()',
  swish: 'SiLU()',
  mish: 'Mish()',
  sigmoid: 'Sigmoid()',
  tanh: 'Tanh()',
  softplus: 'Softplus()',
  softsign: 'Softsign()',
  linear: 'Identity()',
};

/** `nn.Name(positional..., key=value...)`, leaving out keyword arguments given as undefined. */
function call(layer: string, positional: (string | number)[], keywords: Record<string, string | number | undefined> = {}): string {
  const named = Object.entries(keywords)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return `nn.${layer}(${[...positional.map(String), ...named].join(', ')})`;
}

function declare(name: string, constructor: string, shape: readonly number[]): string {
  return `self.${name} = ${constructor}  # -> ${pyTuple(channelsFirst(shape))}`;
}

const single = (name: string, constructor: string, step: PlannedNode, extra: Partial<TorchStep> = {}): TorchStep => ({
  init: [...(extra.init ?? []), declare(name, constructor, step.outputShape)],
  notes: extra.notes ?? [],
  expression: extra.expression ?? `self.${name}(${step.inputs[0]})`,
});

export function torchStep(step: PlannedNode, namer: PythonNamer): TorchStep {
  const { node, name, inputs, inputShape } = step;
  const [x] = inputs as [string];
  switch (node.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return convolution(step, node, namer);
    case 'batchNorm': {
      const layer = inputShape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
      const { center, scale } = { center: node.params.center !== false, scale: node.params.scale !== false };
      // Keras keeps `momentum` of the running statistics; PyTorch's momentum is the share of the new batch.
      const args = {
        eps: pyFloat(node.params.epsilon),
        momentum: pyFloat(1 - node.params.momentum),
        affine: center || scale ? undefined : 'False',
      };
      // PyTorch learns both or neither; one of them alone is the other fixed at its start value.
      const fixed =
        center === scale
          ? []
          : center
            ? [`nn.init.ones_(self.${name}.weight)  # no scale (Keras scale=False): γ stays 1`, `self.${name}.weight.requires_grad_(False)`]
            : [`nn.init.zeros_(self.${name}.bias)  # no shift (Keras center=False): β stays 0`, `self.${name}.bias.requires_grad_(False)`];
      const built = single(name, call(layer, [inputShape.at(-1)!], args), step);
      return { ...built, init: [...built.init, ...fixed] };
    }
    case 'activation': {
      const p = node.params;
      const constructor = p.function === 'leakyRelu' ? call('LeakyReLU', [], { negative_slope: pyFloat(p.alpha) }) : `nn.${ACTIVATIONS[p.function]}`;
      return single(name, constructor, step);
    }
    case 'dropout':
      return single(name, call('Dropout', [], { p: pyFloat(node.params.rate) }), step);
    case 'maxPool2d':
    case 'avgPool2d':
      return pooling(step, node);
    case 'globalAvgPool': {
      const pooled = `self.${name}(${x})`;
      return single(name, call('AdaptiveAvgPool2d', [1]), step, {
        expression: node.params.keepDims ? pooled : `torch.flatten(${pooled}, 1)`,
      });
    }
    case 'flatten': {
      const [height = 1, width = 1] = inputShape.length === 3 ? inputShape : [];
      if (height * width === 1) return single(name, call('Flatten', []), step);
      // nn.Flatten alone would order the features (channels, height, width): a Dense after it
      // would need its rows reordered to take the studio's weights, and a flatten that reaches
      // the output or a merge without a Dense would put the values in other places.
      const notes = [
        `# Flattened in TensorFlow's order (height, width, channels) = (${height}, ${width}, ${inputShape[2]}), as in the studio,`,
        '# so that weights trained there fit the layers after it unchanged.',
      ];
      return single(name, call('Flatten', []), step, { notes, expression: `self.${name}(${x}.permute(0, 2, 3, 1))` });
    }
    case 'dense':
      return single(name, call('Linear', [inputShape[0]!, node.params.units], { bias: node.params.useBias ? undefined : 'False' }), step);
    case 'add':
      return { init: [], notes: [], expression: inputs.join(' + ') };
    case 'concat':
      return { init: [], notes: [], expression: `torch.cat([${inputs.join(', ')}], dim=1)` };
    case 'input':
    case 'output':
      throw new Error(`${node.type} blocks are written by the file, not as a layer`);
  }
}

/** Conv2d; a depthwise convolution is a Conv2d with one group per input channel. */
function convolution(step: PlannedNode, node: GraphNode<'conv2d' | 'depthwiseConv2d'>, namer: PythonNamer): TorchStep {
  const { name, inputShape } = step;
  const p = node.params;
  const channels = inputShape[2]!;
  const out = node.type === 'depthwiseConv2d' ? channels * node.params.depthMultiplier : node.params.filters;
  const sides = windowSides(p.padding, inputShape, p.kernelSize, p.strides, p.dilation);
  const symmetric = isSymmetric(sides);
  const args = {
    kernel_size: pyPair(p.kernelSize),
    stride: p.strides.every((s) => s === 1) ? undefined : pyPair(p.strides),
    padding: symmetric && hasPadding(sides) ? pyPair([sides.top, sides.left]) : undefined,
    dilation: p.dilation.every((d) => d === 1) ? undefined : pyPair(p.dilation),
    groups: node.type === 'depthwiseConv2d' ? channels : undefined,
    bias: p.useBias ? undefined : 'False',
  };
  const conv = call('Conv2d', [channels, out], args);
  if (symmetric) return single(name, conv, step);

  const [x] = step.inputs as [string];
  if (p.padding === 'same') {
    // TensorFlow's "same" for this input size: the odd pixel goes after, which PyTorch's padding= cannot do.
    const notes = [
      `# TensorFlow "same" padding on a ${inputShape[0]}x${inputShape[1]} input: ` +
        `${sides.top} top, ${sides.bottom} bottom, ${sides.left} left, ${sides.right} right`,
    ];
    return single(name, conv, step, { notes, expression: `self.${name}(F.pad(${x}, ${padTuple(sides)}))` });
  }
  const pad = namer.claim(`${name}_pad`);
  const padded = [inputShape[0]! + sides.top + sides.bottom, inputShape[1]! + sides.left + sides.right, channels];
  return single(name, conv, step, {
    init: [declare(pad, call('ZeroPad2d', [padTuple(sides)]), padded)],
    expression: `self.${name}(self.${pad}(${x}))`,
  });
}

/** MaxPool2d and AvgPool2d, padded as pytorch-padding.ts explains. */
function pooling(step: PlannedNode, node: GraphNode<'maxPool2d' | 'avgPool2d'>): TorchStep {
  const { name, inputShape } = step;
  const p = node.params;
  const strides = p.strides ?? p.poolSize;
  const sides = windowSides(p.padding, inputShape, p.poolSize, strides);
  const { padding, ceilMode, dropFirst } = torchPoolPadding(sides, strides);
  const padded = padding[0] + padding[1] > 0;
  const average = node.type === 'avgPool2d';
  const args = {
    kernel_size: pyPair(p.poolSize),
    stride: strides[0] === p.poolSize[0] && strides[1] === p.poolSize[1] ? undefined : pyPair(strides),
    padding: padded ? pyPair(padding) : undefined,
    ceil_mode: ceilMode ? 'True' : undefined,
    // TensorFlow averages over the pixels inside the image only.
    count_include_pad: average && (padded || ceilMode) ? 'False' : undefined,
  };
  const constructor = call(average ? 'AvgPool2d' : 'MaxPool2d', [], args);
  const notes: string[] = [];
  let expression = `self.${name}(${step.inputs[0]})`;
  if (ceilMode || dropFirst.some(Boolean)) {
    const axes = [sides.bottom > sides.top ? 'bottom' : '', sides.right > sides.left ? 'right' : ''].filter(Boolean).join(' and ');
    notes.push(`# TensorFlow "same" pooling on a ${inputShape[0]}x${inputShape[1]} input pads one pixel more at the ${axes}:`);
    if (ceilMode) notes.push('# ceil_mode=True adds the last window, which reaches one pixel past the padding and is clipped');
    if (dropFirst.some(Boolean)) notes.push('# with stride 1 both sides get the larger padding, and the first window, one too early, is dropped');
  }
  if (dropFirst.some(Boolean)) expression += `[:, :, ${dropFirst[0] ? '1:' : ':'}, ${dropFirst[1] ? '1:' : ':'}]`;
  return single(name, constructor, step, { notes, expression });
}
