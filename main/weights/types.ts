/**
 * A graph's weights as plain data, independent of any engine: per block id, its tensors in the
 * studio's own layout and order, which is TensorFlow's (what `layer.getWeights()` returns for the
 * compiled model):
 *
 *   conv2d            kernel (kh, kw, in, filters), bias (filters) when useBias
 *   depthwiseConv2d   kernel (kh, kw, in, multiplier), bias (in·multiplier) when useBias
 *   dense             kernel (in, units), bias (units) when useBias
 *   batchNorm         gamma (unless scale is off), beta (unless center is off), moving mean,
 *                     moving variance, each (channels)
 *
 * Blocks without weights have no entry. The exporters (ONNX, PyTorch with weights) read this
 * form; the ONNX importer and the readers of PyTorch state dicts produce it.
 */
import type { Shape } from '../analysis/types.ts';
import type { GraphAnalysis } from '../analysis/types.ts';
import { StudioError } from '../errors.ts';
import type { GraphDocument, GraphNode } from '../graph/types.ts';

/** A float32 tensor: its shape and its values in row-major order. */
export interface WeightTensor {
  shape: number[];
  values: Float32Array;
}

/** Block id → the block's tensors, in the studio's layout and order (see the top of this file). */
export type GraphWeights = Map<string, WeightTensor[]>;

export class WeightsMismatchError extends StudioError {
  override name = 'WeightsMismatchError';
}

/** The block kinds that hold weights. */
export const WEIGHTED_TYPES = new Set(['conv2d', 'depthwiseConv2d', 'dense', 'batchNorm']);

/** The tensors a block holds, by name, with their shapes in the studio's layout; [] for a block without weights. */
export function expectedWeights(node: GraphNode, inputShape: Shape): { name: string; shape: number[] }[] {
  switch (node.type) {
    case 'conv2d': {
      const p = node.params;
      const kernel = { name: 'kernel', shape: [p.kernelSize[0], p.kernelSize[1], inputShape[2]!, p.filters] };
      return p.useBias ? [kernel, { name: 'bias', shape: [p.filters] }] : [kernel];
    }
    case 'depthwiseConv2d': {
      const p = node.params;
      const channels = inputShape[2]!;
      const kernel = { name: 'kernel', shape: [p.kernelSize[0], p.kernelSize[1], channels, p.depthMultiplier] };
      return p.useBias ? [kernel, { name: 'bias', shape: [channels * p.depthMultiplier] }] : [kernel];
    }
    case 'dense': {
      const p = node.params;
      const kernel = { name: 'kernel', shape: [inputShape[0]!, p.units] };
      return p.useBias ? [kernel, { name: 'bias', shape: [p.units] }] : [kernel];
    }
    case 'batchNorm': {
      const channels = inputShape.at(-1)!;
      const learned = [...(node.params.scale === false ? [] : ['gamma']), ...(node.params.center === false ? [] : ['beta'])];
      return [...learned, 'moving mean', 'moving variance'].map((name) => ({ name, shape: [channels] }));
    }
    default:
      return [];
  }
}

/**
 * Throws a WeightsMismatchError naming every block whose weights are missing or of the wrong
 * shape (in one line); a block without weights must have none.
 */
export function checkWeights(graph: GraphDocument, analysis: GraphAnalysis, weights: GraphWeights, source: string): void {
  const problems: string[] = [];
  for (const node of graph.nodes) {
    const inputShape = analysis.nodes[node.id]?.inputShapes[0];
    if (!inputShape) continue;
    const expected = expectedWeights(node, inputShape);
    const given = weights.get(node.id);
    if (expected.length === 0) continue;
    if (!given) {
      problems.push(`${node.id} has none there`);
      continue;
    }
    const wanted = expected.map((e) => e.shape.join('×')).join(' + ');
    const got = given.map((t) => t.shape.join('×')).join(' + ');
    if (wanted !== got) problems.push(`${node.id} needs ${wanted}, not ${got}`);
  }
  if (problems.length > 0) throw new WeightsMismatchError(`the weights in ${source} do not fit the design: ${problems.join('; ')}`);
}

/** Total number of values, trainable or not. */
export function countWeights(weights: GraphWeights): number {
  let count = 0;
  for (const tensors of weights.values()) for (const t of tensors) count += t.values.length;
  return count;
}

/**
 * Moves the axes of a row-major tensor: output axis i is input axis `perm[i]` (numpy's
 * `transpose(perm)`). Weight tensors are small, so a plain index walk is fast enough.
 */
export function transposeTensor(tensor: WeightTensor, perm: readonly number[]): WeightTensor {
  const { shape, values } = tensor;
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis]!);
  const inStrides = stridesOf(shape);
  const outStrides = perm.map((axis) => inStrides[axis]!);
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let source = 0;
    for (let a = 0; a < rank; a++) source += index[a]! * outStrides[a]!;
    out[i] = values[source]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a]! < outShape[a]!) break;
      index[a] = 0;
    }
  }
  return { shape: outShape, values: out };
}

export function reshapeTensor(tensor: WeightTensor, shape: number[]): WeightTensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== tensor.values.length) throw new Error(`cannot reshape ${tensor.shape.join('×')} to ${shape.join('×')}`);
  return { shape, values: tensor.values };
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  return strides;
}
