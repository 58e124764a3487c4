/**
 * The layers a training program (training-program.ts) runs itself, each as a forward and a
 * backward made of direct kernel calls (kernel-calls.ts), with what the backward needs kept from
 * the forward. The arithmetic is the registered kernels' own, the same as the layers' training
 * path through TensorFlow.js (training-layers.ts routes BatchNormalization and Dropout to the same
 * kernels), minus the tape and the Tensor objects.
 *
 * `layerOp` answers null for a layer or a configuration it does not cover (another activation, a
 * frozen layer, explicit padding, …); the whole model then trains through TensorFlow.js.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom } from '../../../data/random.ts';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../batch-norm.ts';
import { DROPOUT, DROPOUT_GRAD, dropoutSeed } from '../dropout.ts';
import { alloc, f32, offsetOf, type TensorInfo } from '../heap.ts';
import { RELU_GRAD } from '../relu-grad.ts';
import { simdFor } from '../simd-kernels.ts';
import type { KernelCalls } from './kernel-calls.ts';

/** tfjs-layers' LayerVariable, as far as a program uses it. */
export interface Weight {
  read(): tfjs.Tensor;
  write(value: tfjs.Tensor): void;
  readonly trainable: boolean;
  readonly shape: number[];
}

/** Gradients of weights, by weight; the program hands them to the optimizer. */
export type WeightGradients = Map<Weight, TensorInfo>;

export interface LayerOp {
  readonly layer: string;
  /** The forward pass in training mode; the output belongs to the program. */
  forward(inputs: TensorInfo[]): TensorInfo;
  /**
   * Gradients for the inputs whose `wanted` is true (null for the others) from the gradient of
   * the output; weight gradients go into `weights`. Frees what the forward kept.
   */
  backward(dy: TensorInfo, wanted: boolean[], weights: WeightGradients): (TensorInfo | null)[];
  /** Frees what the forward kept, when no backward follows (a failed step). */
  clear(): void;
}

/** The tfjs-layers fields the ops read. */
interface LayerFields {
  name: string;
  trainable: boolean;
  getClassName(): string;
  activation?: { getClassName(): string };
  kernel?: Weight;
  bias?: Weight;
  useBias?: boolean;
  strides?: number[];
  padding?: string;
  dilationRate?: number | number[];
  dataFormat?: string;
  depthMultiplier?: number;
  depthwiseKernel?: Weight;
  poolSize?: number[];
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  gamma?: Weight;
  beta?: Weight;
  movingMean?: Weight;
  movingVariance?: Weight;
  rate?: number;
  noiseShape?: unknown;
  seed?: number;
}

const info = (t: tfjs.Tensor): TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
const pair = (v: number | number[] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!]);
const activationOf = (layer: LayerFields) => layer.activation?.getClassName() ?? 'linear';

/** Per-channel Σ over every axis but the last, in float64 (a bias's gradient). */
function channelSums(calls: KernelCalls, dy: TensorInfo, out: TensorInfo): void {
  const c = dy.shape[dy.shape.length - 1]!;
  const g = f32(calls.backend, dy);
  const sums = new Float64Array(c);
  for (let base = 0; base < g.length; base += c) for (let k = 0; k < c; k++) sums[k] = sums[k]! + g[base + k]!;
  f32(calls.backend, out).set(sums);
}

/** y += bias per channel, in place (y's last axis is the bias). */
function addBias(calls: KernelCalls, y: TensorInfo, bias: TensorInfo): void {
  const c = y.shape[y.shape.length - 1]!;
  const simd = simdFor(calls.backend);
  const fns = simd?.channels(c);
  const size = y.shape.reduce((a, b) => a * b, 1);
  if (simd && fns) {
    const kAt = simd.scratch;
    const pAt = kAt + 4 * c;
    const rAt = pAt + 4 * c;
    simd.view(kAt, c).fill(0);
    simd.view(pAt, c).fill(1);
    simd.view(rAt, c).set(f32(calls.backend, bias));
    const at = offsetOf(calls.backend, y);
    fns.affine(at, kAt, pAt, rAt, at, size / c);
    return;
  }
  const v = f32(calls.backend, y);
  const b = f32(calls.backend, bias);
  for (let base = 0; base < v.length; base += c) for (let k = 0; k < c; k++) v[base + k] = v[base + k]! + b[k]!;
}

/** Keeps references the backward needs; `owned` ones the op frees. */
class Saved {
  private owned: TensorInfo[] = [];
  constructor(private readonly calls: KernelCalls) {}
  own(...infos: TensorInfo[]): void {
    this.owned.push(...infos);
  }
  clear(): void {
    for (const t of this.owned) this.calls.free(t);
    this.owned = [];
  }
}

function convolution(calls: KernelCalls, layer: LayerFields, depthwise: boolean): LayerOp | null {
  const kernel = depthwise ? layer.depthwiseKernel : layer.kernel;
  if (!kernel || activationOf(layer) !== 'linear' || (layer.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
  if (layer.padding !== 'valid' && layer.padding !== 'same') return null;
  const bias = layer.useBias ? layer.bias : undefined;
  if (layer.useBias && !bias) return null;
  const attrs = { strides: pair(layer.strides), pad: layer.padding, dilations: pair(layer.dilationRate), dataFormat: 'NHWC', dimRoundingMode: undefined };
  const [forwardKernel, inputGradient, filterGradient] = depthwise
    ? ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']
    : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  let x: TensorInfo | null = null;
  return {
    layer: layer.name,
    forward([input]) {
      x = input!;
      const y = calls.one(forwardKernel, { x, filter: info(kernel.read()) }, attrs);
      if (bias) addBias(calls, y, info(bias.read()));
      return y;
    },
    backward(dy, [wantX], weights) {
      const filter = info(kernel.read());
      weights.set(kernel, calls.one(filterGradient, { x: x!, dy }, { ...attrs, filterShape: filter.shape }));
      if (bias) {
        const db = alloc(calls.backend, bias.shape);
        channelSums(calls, dy, db);
        weights.set(bias, db);
      }
      const dx = wantX ? calls.one(inputGradient, { dy, filter }, { ...attrs, inputShape: x!.shape }) : null;
      x = null;
      return [dx];
    },
    clear() {
      x = null;
    },
  };
}

function dense(calls: KernelCalls, layer: LayerFields): LayerOp | null {
  const kernel = layer.kernel;
  if (!kernel || activationOf(layer) !== 'linear') return null;
  const bias = layer.useBias ? layer.bias : undefined;
  if (layer.useBias && !bias) return null;
  let x: TensorInfo | null = null;
  const as3 = (t: TensorInfo) => calls.reshape(t, [1, ...t.shape]);
  const matMul = (a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, shape: number[]) => {
    const a3 = as3(a);
    const b3 = as3(b);
    const out = calls.one('BatchMatMul', { a: a3, b: b3 }, { transposeA, transposeB });
    calls.free(a3);
    calls.free(b3);
    const result = calls.reshape(out, shape);
    calls.free(out);
    return result;
  };
  return {
    layer: layer.name,
    forward([input]) {
      if (input!.shape.length !== 2) throw new Error(`${layer.name}: a training program's Dense takes [batch, features]`);
      x = input!;
      const w = info(kernel.read());
      const y = matMul(x, w, false, false, [x.shape[0]!, w.shape[1]!]);
      if (bias) addBias(calls, y, info(bias.read()));
      return y;
    },
    backward(dy, [wantX], weights) {
      const w = info(kernel.read());
      weights.set(kernel, matMul(x!, dy, true, false, w.shape));
      if (bias) {
        const db = alloc(calls.backend, bias.shape);
        channelSums(calls, dy, db);
        weights.set(bias, db);
      }
      const dx = wantX ? matMul(dy, w, false, true, x!.shape) : null;
      x = null;
      return [dx];
    },
    clear() {
      x = null;
    },
  };
}

function batchNorm(calls: KernelCalls, layer: LayerFields, rank: number): LayerOp | null {
  const { gamma, beta, movingMean, movingVariance } = layer;
  const axis = (layer.axis ?? -1) < 0 ? (layer.axis ?? -1) + rank : layer.axis!;
  if (axis !== rank - 1 || !layer.center || !layer.scale || !gamma || !beta || !movingMean || !movingVariance) return null;
  const varianceEpsilon = layer.epsilon!;
  // tfjs-layers blends the statistics with float32 ops: v − (v − batch)·(1 − momentum).
  const keep = Math.fround(1 - layer.momentum!);
  const saved = new Saved(calls);
  let x: TensorInfo | null = null;
  let stats: [TensorInfo, TensorInfo] | null = null;
  const blend = (variable: Weight, value: TensorInfo) =>
    calls.replace(variable, (out) => {
      const v = f32(calls.backend, info(variable.read()));
      const b = f32(calls.backend, value);
      for (let k = 0; k < v.length; k++) out[k] = Math.fround(v[k]! - Math.fround(Math.fround(v[k]! - b[k]!) * keep));
    });
  return {
    layer: layer.name,
    forward([input]) {
      x = input!;
      const [y, mean, variance] = calls.many(BATCH_NORM_TRAIN, { x, scale: info(gamma.read()), offset: info(beta.read()) }, { varianceEpsilon });
      blend(movingMean, mean!);
      blend(movingVariance, variance!);
      stats = [mean!, variance!];
      saved.own(mean!, variance!);
      return y!;
    },
    backward(dy, [wantX], weights) {
      const [mean, variance] = stats!;
      const [dx, dscale, doffset] = calls.many(BATCH_NORM_TRAIN_GRAD, { dy, x: x!, scale: info(gamma.read()), mean, variance }, { varianceEpsilon });
      weights.set(gamma, dscale!);
      weights.set(beta, doffset!);
      saved.clear();
      x = null;
      stats = null;
      if (!wantX) {
        calls.free(dx!);
        return [null];
      }
      return [dx!];
    },
    clear() {
      saved.clear();
      x = null;
      stats = null;
    },
  };
}

function relu(calls: KernelCalls, name: string): LayerOp {
  let x: TensorInfo | null = null;
  return {
    layer: name,
    forward([input]) {
      x = input!;
      return calls.one('Relu', { x });
    },
    backward(dy, [wantX]) {
      const dx = wantX ? calls.one(RELU_GRAD, { dy, x: x! }) : null;
      x = null;
      return [dx];
    },
    clear() {
      x = null;
    },
  };
}

/** A layer that passes its input on unchanged (linear activation, Dropout at rate 0). */
function identity(calls: KernelCalls, name: string): LayerOp {
  return {
    layer: name,
    forward: ([input]) => calls.reshape(input!, input!.shape),
    backward: (dy, [wantX]) => [wantX ? calls.reshape(dy, dy.shape) : null],
    clear() {},
  };
}

function dropout(calls: KernelCalls, layer: LayerFields): LayerOp | null {
  const rate = layer.rate ?? 0;
  if (layer.noiseShape != null) return null;
  if (rate === 0) return identity(calls, layer.name);
  if (!(rate > 0 && rate < 1)) return null;
  let attrs: { rate: number; seed: number[] } | null = null;
  return {
    layer: layer.name,
    forward([x]) {
      // The layer's seed, which the trainer draws from the run's stream before each batch.
      attrs = { rate, seed: dropoutSeed(layer.seed == null ? Math.random : seededRandom(layer.seed)) };
      return calls.one(DROPOUT, { x: x! }, attrs);
    },
    backward(dy, [wantX]) {
      const dx = wantX ? calls.one(DROPOUT_GRAD, { dy }, attrs!) : null;
      attrs = null;
      return [dx];
    },
    clear() {
      attrs = null;
    },
  };
}

function pooling(calls: KernelCalls, layer: LayerFields, kind: 'max' | 'avg'): LayerOp | null {
  if ((layer.dataFormat ?? 'channelsLast') !== 'channelsLast' || (layer.padding !== 'valid' && layer.padding !== 'same')) return null;
  const attrs = { filterSize: pair(layer.poolSize), strides: pair(layer.strides ?? layer.poolSize), pad: layer.padding, dimRoundingMode: undefined };
  let x: TensorInfo | null = null;
  let y: TensorInfo | null = null;
  return {
    layer: layer.name,
    forward([input]) {
      x = input!;
      y = calls.one(kind === 'max' ? 'MaxPool' : 'AvgPool', { x }, attrs);
      return y;
    },
    backward(dy, [wantX]) {
      const dx = wantX ? (kind === 'max' ? calls.one('MaxPoolGrad', { dy, input: x!, output: y! }, attrs) : calls.one('AvgPoolGrad', { dy, input: x! }, attrs)) : null;
      x = null;
      y = null;
      return [dx];
    },
    clear() {
      x = null;
      y = null;
    },
  };
}

/** GlobalAveragePooling2D: an average pool over the whole map, [b, h, w, c] → [b, c]. */
function globalAveragePool(calls: KernelCalls, layer: LayerFields): LayerOp | null {
  if ((layer.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
  let x: TensorInfo | null = null;
  const attrs = (shape: number[]) => ({ filterSize: [shape[1]!, shape[2]!], strides: [shape[1]!, shape[2]!], pad: 'valid', dimRoundingMode: undefined });
  return {
    layer: layer.name,
    forward([input]) {
      x = input!;
      const pooled = calls.one('AvgPool', { x }, attrs(x.shape));
      const y = calls.reshape(pooled, [x.shape[0]!, x.shape[3]!]);
      calls.free(pooled);
      return y;
    },
    backward(dy, [wantX]) {
      let dx: TensorInfo | null = null;
      if (wantX) {
        const dy4 = calls.reshape(dy, [x!.shape[0]!, 1, 1, x!.shape[3]!]);
        dx = calls.one('AvgPoolGrad', { dy: dy4, input: x! }, attrs(x!.shape));
        calls.free(dy4);
      }
      x = null;
      return [dx];
    },
    clear() {
      x = null;
    },
  };
}

function flatten(calls: KernelCalls, name: string): LayerOp {
  let shape: number[] | null = null;
  return {
    layer: name,
    forward([x]) {
      shape = x!.shape;
      return calls.reshape(x!, [shape[0]!, shape.slice(1).reduce((a, b) => a * b, 1)]);
    },
    backward(dy, [wantX]) {
      const dx = wantX ? calls.reshape(dy, shape!) : null;
      shape = null;
      return [dx];
    },
    clear() {
      shape = null;
    },
  };
}

/** Reshape: the same values under `targetShape` (per image). */
function reshape(calls: KernelCalls, name: string, targetShape: number[] | undefined): LayerOp | null {
  if (!targetShape || targetShape.some((d) => !(d > 0))) return null;
  let shape: number[] | null = null;
  return {
    layer: name,
    forward([x]) {
      shape = x!.shape;
      return calls.reshape(x!, [shape[0]!, ...targetShape]);
    },
    backward(dy, [wantX]) {
      const dx = wantX ? calls.reshape(dy, shape!) : null;
      shape = null;
      return [dx];
    },
    clear() {
      shape = null;
    },
  };
}

function add(calls: KernelCalls, name: string): LayerOp {
  return {
    layer: name,
    forward(inputs) {
      let sum = calls.one('Add', { a: inputs[0]!, b: inputs[1]! });
      for (const next of inputs.slice(2)) {
        const more = calls.one('Add', { a: sum, b: next });
        calls.free(sum);
        sum = more;
      }
      return sum;
    },
    backward: (dy, wanted) => wanted.map((want) => (want ? calls.reshape(dy, dy.shape) : null)),
    clear() {},
  };
}

/**
 * The op for one layer (`rank`: its input's rank), or null when a program cannot run it: the
 * model then trains through TensorFlow.js. Frozen layers (trainable false) are left to it too.
 */
export function layerOp(calls: KernelCalls, layer: tfjs.layers.Layer, rank: number): LayerOp | null {
  const fields = layer as unknown as LayerFields;
  if (!fields.trainable && layer.weights.length > 0) return null;
  switch (fields.getClassName()) {
    case 'Conv2D':
      return convolution(calls, fields, false);
    case 'DepthwiseConv2D':
      return convolution(calls, fields, true);
    case 'Dense':
      return dense(calls, fields);
    case 'BatchNormalization':
      return batchNorm(calls, fields, rank);
    case 'Activation': {
      const activation = activationOf(fields);
      if (activation === 'relu') return relu(calls, fields.name);
      if (activation === 'linear') return identity(calls, fields.name);
      return null;
    }
    case 'Dropout':
      return dropout(calls, fields);
    case 'MaxPooling2D':
      return pooling(calls, fields, 'max');
    case 'AveragePooling2D':
      return pooling(calls, fields, 'avg');
    case 'GlobalAveragePooling2D':
      return globalAveragePool(calls, fields);
    case 'Flatten':
      return flatten(calls, fields.name);
    case 'Reshape':
      return reshape(calls, fields.name, (layer as unknown as { targetShape?: number[] }).targetShape);
    case 'Add':
      return add(calls, fields.name);
    default:
      return null;
  }
}
