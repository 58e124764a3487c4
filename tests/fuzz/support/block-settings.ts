/**
 * What the mutations need to know of each block kind: which settings it has, what it cannot go
 * without, and a sensible value for each setting (for mutations that should keep a graph valid).
 */
import { ACTIVATIONS } from '../../../main/graph/schema.ts';

/** The settings each block kind has; every kind is listed. */
export const KNOWN_PARAMS: Record<string, string[]> = {
  input: ['height', 'width', 'channels'],
  conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'dilation', 'useBias'],
  depthwiseConv2d: ['kernelSize', 'depthMultiplier', 'strides', 'padding', 'dilation', 'useBias'],
  batchNorm: ['momentum', 'epsilon'],
  activation: ['function', 'alpha'],
  dropout: ['rate'],
  maxPool2d: ['poolSize', 'strides', 'padding'],
  avgPool2d: ['poolSize', 'strides', 'padding'],
  globalAvgPool: ['keepDims'],
  flatten: [],
  dense: ['units', 'useBias'],
  add: [],
  concat: [],
  output: ['activation'],
};

/** A sensible value for a setting, chosen by `n`: small sizes, real keywords, the right kind. */
export function sensibleValue(param: string, type: string, n: number): unknown {
  const small = 1 + (n % 4);
  const pair = n % 3 === 0 ? small : [small, 1 + ((n >> 2) % 4)];
  switch (param) {
    case 'height':
    case 'width':
      return 8 + (n % 25);
    case 'channels':
    case 'filters':
    case 'units':
      return 1 + (n % 12);
    case 'depthMultiplier':
      return 1 + (n % 3);
    case 'kernelSize':
    case 'poolSize':
    case 'strides':
    case 'dilation':
      return pair;
    case 'padding':
      if (type !== 'conv2d' && type !== 'depthwiseConv2d') return n % 2 === 0 ? 'valid' : 'same';
      return ['valid', 'same', n % 3, [n % 2, (n >> 1) % 3], [n % 2, (n >> 1) % 2, (n >> 2) % 3, (n >> 3) % 2]][n % 5];
    case 'useBias':
    case 'keepDims':
      return n % 2 === 0;
    case 'momentum':
      return (n % 10) / 10;
    case 'epsilon':
      return 10 ** -(1 + (n % 6));
    case 'function':
      return ACTIVATIONS[n % ACTIVATIONS.length];
    case 'alpha':
      return (n % 7) / 10;
    case 'rate':
      return (n % 9) / 10;
    case 'activation':
      return n % 2 === 0 ? 'softmax' : 'none';
    default:
      return n;
  }
}

/** Settings a block cannot go without, so that an inserted block fails (if at all) for a reason of its own. */
export function defaultsFor(type: string): Record<string, unknown> {
  switch (type) {
    case 'input':
      return { height: 8, width: 8, channels: 1 };
    case 'conv2d':
      return { filters: 4, kernelSize: 3, padding: 'same' };
    case 'depthwiseConv2d':
      return { kernelSize: 3, padding: 'same' };
    case 'dropout':
      return { rate: 0.25 };
    case 'dense':
      return { units: 4 };
    default:
      return {};
  }
}

/** The settings the block kind has, so that the insertion tests the values rather than unknown keys. */
export function keepKnown(type: string, params: Record<string, unknown>): Record<string, unknown> {
  const allowed = new Set(KNOWN_PARAMS[type] ?? []);
  return Object.fromEntries(Object.entries(params).filter(([key]) => allowed.has(key)));
}
