import type { BlockParams } from '../../graph/types.ts';
import { axisPadding, effectiveKernel, windowOutputLength } from '../conv-arithmetic.ts';
import { formatPair } from '../format.ts';
import { slideField } from '../receptive-field.ts';
import { pairAtLeast, problems, wholeAtLeast } from '../settings.ts';
import type { Pair, ReceptiveField, Shape } from '../types.ts';
import { isFeatureMap, type BlockSpec, type ShapeResult, type Upstream } from './spec.ts';

type Window = Pick<BlockParams['conv2d'], 'kernelSize' | 'strides' | 'padding' | 'dilation'>;

function checkWindow(p: Window): string[] {
  const explicit = Array.isArray(p.padding) ? p.padding : [];
  return problems(
    pairAtLeast('kernel size', p.kernelSize, 1),
    pairAtLeast('stride', p.strides, 1),
    pairAtLeast('dilation', p.dilation, 1),
    pairAtLeast('padding', explicit, 0),
    p.strides.some((s) => s > 1) && p.dilation.some((d) => d > 1)
      ? 'stride and dilation cannot both be above 1 (TensorFlow.js does not support it)'
      : undefined,
  );
}

function span(p: Window): Pair {
  return [effectiveKernel(p.kernelSize[0], p.dilation[0]), effectiveKernel(p.kernelSize[1], p.dilation[1])];
}

function padBefore(p: Window, input: Shape): Pair {
  const s = span(p);
  return [
    axisPadding(p.padding, 0, input[0]!, s[0], p.strides[0])[0],
    axisPadding(p.padding, 1, input[1]!, s[1], p.strides[1])[0],
  ];
}

/** Output height and width of a sliding window, or why it does not fit, with only the fixes that apply. */
export function slideShape(p: Window, input: Shape, what: string, kind: string, upstream: Upstream): { size: Pair } | { code: string; error: string } {
  if (!isFeatureMap(input)) return { code: 'needs-feature-map', error: upstream.flatInputMessage(kind, input) };
  const s = span(p);
  const size = ([0, 1] as const).map((axis) => {
    const [before, after] = axisPadding(p.padding, axis, input[axis], s[axis], p.strides[axis]);
    return windowOutputLength(input[axis], s[axis], p.strides[axis], before, after);
  }) as unknown as Pair;
  if (size[0] <= 0 || size[1] <= 0) {
    const dilated = p.dilation.some((d) => d > 1);
    const window = dilated ? `${formatPair(p.kernelSize)} ${what} with dilation ${formatPair(p.dilation)} (spanning ${formatPair(s)})` : `${formatPair(s)} ${what}`;
    const fixes = [
      p.kernelSize.some((k) => k > 1) ? `a smaller ${what}` : '',
      dilated ? 'less dilation' : '',
      // "same" padding always fits; explicit padding can grow.
      p.padding === 'same' ? '' : Array.isArray(p.padding) ? 'more padding' : "'same' padding",
      upstream.shrunk() ? 'less downsampling (pooling or strides) before it' : '',
    ].filter(Boolean);
    const list = fixes.length > 1 ? `${fixes.slice(0, -1).join(', ')} or ${fixes.at(-1)!}` : fixes.join('');
    const padded = Array.isArray(p.padding) && p.padding.some((side) => side > 0)
      ? ` (${formatPair([input[0] + p.padding[0] + p.padding[1], input[1] + p.padding[2] + p.padding[3]])} with its padding)`
      : '';
    return {
      code: 'spatial-too-small',
      error: `the ${window} does not fit the ${formatPair([input[0], input[1]])} input${padded}${list ? `; use ${list}` : ''}`,
    };
  }
  return { size };
}

export function slide(p: Window, inputs: readonly Shape[], fields: readonly ReceptiveField[]): ReceptiveField {
  return slideField(fields[0]!, span(p), p.strides, padBefore(p, inputs[0]!));
}

export const conv2d: BlockSpec<'conv2d'> = {
  title: 'Conv2d',
  doc: {
    summary: 'F filters, each k_h×k_w×C_in, slide over the feature map: the workhorse of a CNN.',
    shape: 'H_out = ⌊(H + p_top + p_bottom − d·(k_h − 1) − 1) / s⌋ + 1, W_out likewise; C_out = F',
    params: 'k_h·k_w·C_in·F (+ F with bias); MACs H_out·W_out·F·k_h·k_w·C_in',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) => [...problems(wholeAtLeast('filters', p.filters, 1)), ...checkWindow(p)],
  outputShape: (p, [input], upstream): ShapeResult => {
    const result = slideShape(p, input!, 'kernel', 'Conv2d', upstream);
    return 'size' in result ? { shape: [...result.size, p.filters] } : result;
  },
  params: (p, [input]) => ({
    trainable: p.kernelSize[0] * p.kernelSize[1] * input![2]! * p.filters + (p.useBias ? p.filters : 0),
    nonTrainable: 0,
  }),
  macs: (p, [input], output) => output[0]! * output[1]! * p.filters * p.kernelSize[0] * p.kernelSize[1] * input![2]!,
  receptiveField: slide,
};

export const depthwiseConv2d: BlockSpec<'depthwiseConv2d'> = {
  title: 'DepthwiseConv2d',
  doc: {
    summary: 'One k_h×k_w filter (or m of them) per input channel; channels are not mixed. Follow it with a 1×1 Conv2d for a separable convolution.',
    shape: 'H_out, W_out as for Conv2d; C_out = C_in·m',
    params: 'k_h·k_w·C_in·m (+ C_in·m with bias); MACs H_out·W_out·C_out·k_h·k_w',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) => [
    ...problems(
      wholeAtLeast('depth multiplier', p.depthMultiplier, 1),
      // TensorFlow.js' DepthwiseConv2D layer ignores its dilation rate (tfjs-layers 4.x).
      p.dilation.some((d) => d !== 1) ? 'dilation above 1 is not supported on DepthwiseConv2d by TensorFlow.js' : undefined,
    ),
    ...checkWindow(p),
  ],
  outputShape: (p, [input], upstream): ShapeResult => {
    const result = slideShape(p, input!, 'kernel', 'DepthwiseConv2d', upstream);
    return 'size' in result ? { shape: [...result.size, input![2]! * p.depthMultiplier] } : result;
  },
  params: (p, [input]) => {
    const channels = input![2]! * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * channels + (p.useBias ? channels : 0), nonTrainable: 0 };
  },
  macs: (p, _inputs, output) => output[0]! * output[1]! * output[2]! * p.kernelSize[0] * p.kernelSize[1],
  receptiveField: slide,
};
