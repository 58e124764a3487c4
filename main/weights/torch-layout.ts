/**
 * The studio's weights in PyTorch's layout and names, and back. ONNX uses the same layout (Conv
 * weights (out, in/groups, kh, kw), Gemm with transB), so the ONNX exporter names its initializers
 * as a PyTorch state dict does and both directions share this file:
 *
 *   conv2d           kernel (kh, kw, in, out)  ↔ weight (out, in, kh, kw)
 *   depthwiseConv2d  kernel (kh, kw, C, M)     ↔ weight (C·M, 1, kh, kw), output channel c·M + m in both
 *   dense            kernel (in, out)          ↔ weight (out, in)
 *   batchNorm        gamma, beta, moving mean, moving variance ↔ weight, bias, running_mean, running_var;
 *                    without scale γ is PyTorch's weight fixed at 1, without center β its bias fixed
 *                    at 0, without both there are neither (affine=False), as the PyTorch export builds it
 *   any bias                                   ↔ bias
 *
 * The features after a Flatten are in the studio's order (height, width, channels) in every export
 * (the PyTorch module permutes before flattening, the ONNX model transposes), so no Dense weights
 * are reordered here.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument, GraphNode } from '../graph/types.ts';
import { expectedWeights, reshapeTensor, transposeTensor, WeightsMismatchError, type GraphWeights, type WeightTensor } from './types.ts';

/** A block's tensors as PyTorch names them (without the module prefix) and lays them out. */
export function toTorchTensors(node: GraphNode, tensors: WeightTensor[]): [name: string, tensor: WeightTensor][] {
  if (node.type === 'batchNorm') return batchNormTensors(node as GraphNode<'batchNorm'>, tensors, false);
  const [kernel, bias] = tensors as [WeightTensor, WeightTensor?];
  const named: [string, WeightTensor][] = [['weight', torchKernel(node.type as KernelType, kernel)]];
  if (bias) named.push(['bias', bias]);
  return named;
}

/** Block kinds with a kernel. */
export type KernelType = 'conv2d' | 'depthwiseConv2d' | 'dense';

function torchKernel(type: KernelType, kernel: WeightTensor): WeightTensor {
  const [kh, kw, channels, last] = kernel.shape as [number, number, number, number];
  switch (type) {
    case 'conv2d':
      return transposeTensor(kernel, [3, 2, 0, 1]);
    case 'depthwiseConv2d':
      return reshapeTensor(transposeTensor(reshapeTensor(kernel, [kh, kw, channels * last]), [2, 0, 1]), [channels * last, 1, kh, kw]);
    case 'dense':
      return transposeTensor(kernel, [1, 0]);
  }
}

/** The studio's kernel from PyTorch's (or ONNX's), for a block whose kernel has the studio shape `shape` (kh, kw, in, out or multiplier; in, out). */
export function studioKernel(type: KernelType, weight: WeightTensor, shape: number[]): WeightTensor {
  const [kh, kw, channels, last] = shape as [number, number, number, number];
  switch (type) {
    case 'conv2d':
      return transposeTensor(weight, [2, 3, 1, 0]);
    case 'depthwiseConv2d':
      return reshapeTensor(transposeTensor(reshapeTensor(weight, [channels * last, kh, kw]), [1, 2, 0]), [kh, kw, channels, last]);
    case 'dense':
      return transposeTensor(weight, [1, 0]);
  }
}

/**
 * A BatchNorm's tensors by PyTorch's names: weight and bias (γ = 1 and β = 0 standing in for the one
 * the block does not learn), then the running statistics. `always`: weight and bias even when the
 * block learns neither (ONNX's BatchNormalization takes both).
 */
export function batchNormTensors(node: GraphNode<'batchNorm'>, tensors: WeightTensor[], always: boolean): [string, WeightTensor][] {
  const scale = node.params.scale !== false;
  const center = node.params.center !== false;
  const [mean, variance] = tensors.slice(-2) as [WeightTensor, WeightTensor];
  const channels = mean.values.length;
  const filled = (value: number): WeightTensor => ({ shape: [channels], values: new Float32Array(channels).fill(value) });
  const named: [string, WeightTensor][] = [];
  if (scale || center || always) {
    named.push(['weight', scale ? tensors[0]! : filled(1)]);
    named.push(['bias', center ? tensors[scale ? 1 : 0]! : filled(0)]);
  }
  named.push(['running_mean', mean], ['running_var', variance]);
  return named;
}

/** Whether PyTorch's tensor has the size the studio's needs, in PyTorch's layout. */
function torchShape(node: GraphNode, shape: number[], index: number): number[] {
  if (node.type === 'batchNorm' || index === 1) return shape;
  const [a, b, c, d] = shape as [number, number, number, number];
  if (node.type === 'conv2d') return [d, c, a, b];
  if (node.type === 'depthwiseConv2d') return [c * d, 1, a, b];
  return [b, a];
}

/**
 * A PyTorch-style state dict of the whole graph (`conv1.weight`, `bn1.running_mean`, …), each
 * block's tensors under the prefix `prefix(id)`.
 */
export function toStateDict(graph: GraphDocument, weights: GraphWeights, prefix: (id: string) => string): Map<string, WeightTensor> {
  const state = new Map<string, WeightTensor>();
  for (const node of graph.nodes) {
    const tensors = weights.get(node.id);
    if (!tensors) continue;
    for (const [name, tensor] of toTorchTensors(node, tensors)) state.set(`${prefix(node.id)}.${name}`, tensor);
  }
  return state;
}

/**
 * The graph's weights from a PyTorch-style state dict: for each block with weights, the first of
 * `prefixes(id)` under which the state dict holds its weight. Throws a WeightsMismatchError
 * naming, in one line, each block whose tensors are missing or of another size.
 */
export function fromStateDict(
  graph: GraphDocument,
  analysis: GraphAnalysis,
  state: ReadonlyMap<string, WeightTensor>,
  prefixes: (id: string) => string[],
  source: string,
): GraphWeights {
  const weights: GraphWeights = new Map();
  const problems: string[] = [];
  for (const id of analysis.order) {
    const node = graph.nodes.find((n) => n.id === id)!;
    const expected = expectedWeights(node, analysis.nodes[id]!.inputShapes[0] ?? []);
    if (expected.length === 0) continue;
    const first = node.type === 'batchNorm' ? 'running_mean' : 'weight';
    const prefix = prefixes(id).find((p) => state.has(`${p}.${first}`));
    if (prefix === undefined) {
      problems.push(`${id} has no ${prefixes(id).map((p) => `${p}.${first}`).join(' or ')}`);
      continue;
    }
    if (node.type === 'batchNorm') {
      const read = batchNormFromState(node as GraphNode<'batchNorm'>, state, prefix, expected[0]!.shape);
      if (typeof read === 'string') problems.push(read);
      else weights.set(id, read);
      continue;
    }
    const names = ['weight', 'bias'];
    const tensors: WeightTensor[] = [];
    expected.forEach((want, index) => {
      const name = `${prefix}.${names[index]}`;
      const found = state.get(name);
      const shape = torchShape(node, want.shape, index);
      if (!found) return problems.push(`${name} is missing`);
      if (found.shape.join() !== shape.join()) return problems.push(`${name} is ${found.shape.join('×') || 'a scalar'}, not ${shape.join('×')}`);
      tensors.push(index === 1 ? found : studioKernel(node.type as KernelType, found, want.shape));
    });
    // A bias the design does not have would be lost: say so rather than drop it.
    if (expected.length === 1 && state.has(`${prefix}.bias`)) {
      problems.push(`${prefix}.bias is there but ${id} has no bias (useBias is off)`);
    }
    weights.set(id, tensors);
  }
  if (problems.length > 0) throw new WeightsMismatchError(`the weights in ${source} do not fit the design: ${problems.join('; ')}`);
  return weights;
}

/**
 * A BatchNorm's tensors in the studio's order from a state dict, or why they do not fit: a scale or
 * shift the block does not learn must be at its start value (γ = 1, β = 0), or it would be lost.
 */
function batchNormFromState(node: GraphNode<'batchNorm'>, state: ReadonlyMap<string, WeightTensor>, prefix: string, shape: number[]): WeightTensor[] | string {
  const channels = shape[0]!;
  const tensor = (name: string): WeightTensor | string => {
    const found = state.get(`${prefix}.${name}`);
    if (!found) return `${prefix}.${name} is missing`;
    return found.values.length === channels && found.shape.length === 1 ? found : `${prefix}.${name} is ${found.shape.join('×') || 'a scalar'}, not ${channels}`;
  };
  const out: WeightTensor[] = [];
  for (const [name, learned, start] of [['weight', node.params.scale !== false, 1], ['bias', node.params.center !== false, 0]] as const) {
    if (learned) {
      const found = tensor(name);
      if (typeof found === 'string') return found;
      out.push(found);
    } else if (state.has(`${prefix}.${name}`) && state.get(`${prefix}.${name}`)!.values.some((v) => v !== start)) {
      return `${prefix}.${name} holds values other than ${start}, but ${node.id} has no ${name === 'weight' ? 'scale' : 'shift'}`;
    }
  }
  for (const name of ['running_mean', 'running_var']) {
    const found = tensor(name);
    if (typeof found === 'string') return found;
    out.push(found);
  }
  return out;
}
