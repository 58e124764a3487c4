/**
 * The ONNX importer's walk: one node at a time, in the file's (topological) order, each mapped to
 * a block, to nothing (Identity, Dropout's mask, shape arithmetic), or held for the node after it
 * (a zero Pad before a Conv, a Transpose to channels last before a Flatten). Shapes are the
 * studio's own (analysis/blocks), computed as blocks are added, so every operator can check what
 * it receives. Problems name the node; operators it has no mapping for are collected by name.
 */
import { BLOCKS } from '../analysis/blocks/index.ts';
import type { ShapeResult, Upstream } from '../analysis/blocks/spec.ts';
import type { Shape } from '../analysis/types.ts';
import { blockParamSchemas } from '../graph/schema.ts';
import type { BlockType } from '../graph/types.ts';
import { floatAttribute, intAttribute, intsAttribute, stringAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../onnx/model.ts';
import { studioKernel } from '../weights/torch-layout.ts';
import { transposeTensor, type GraphWeights, type WeightTensor } from '../weights/types.ts';
import type { Constants } from './onnx-constants.ts';
import { STUDIO_DOMAIN } from './onnx-patterns.ts';
import { matchPoolPadding, type AutoPad } from './onnx-pooling.ts';
import type { DraftEdge, DraftNode } from './lay-out.ts';

/** For messages: what the importer maps. */
export const SUPPORTED_OPERATORS = [
  'Conv', 'BatchNormalization', 'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign', 'Clip', 'Gelu',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Flatten', 'Reshape', 'Gemm', 'MatMul', 'Add', 'Sum', 'Concat',
  'Dropout', 'Softmax', 'LogSoftmax', 'Pad', 'Transpose', 'Identity',
];

/** Operators the walk handles: the supported ones and the constant arithmetic it folds. */
const KNOWN_OPERATORS = new Set([
  ...SUPPORTED_OPERATORS,
  ...['Constant', 'Cast', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'ConstantOfShape', 'Slice', 'Sub', 'Mul', 'Div'],
]);

/** A tensor value in the graph: a block's output, as the studio shapes it (channels last, no batch axis). */
interface TensorValue {
  block: string;
  shape: Shape;
  /**
   * Flat features in channels-first order, from a plain Flatten of a (height, width, channels)
   * map larger than 1×1: the studio flattens channels last, so the weights after it are reordered.
   */
  order?: readonly [number, number, number];
  /** A zero Pad waiting for the Conv after it: [top, bottom, left, right]. */
  pad?: [number, number, number, number];
  /** Transposed to (N, H, W, C), waiting for the Flatten after it. */
  channelsLast?: boolean;
}

/** The shape messages without the editor's suggestions: the importer names the node itself. */
const PLAIN_UPSTREAM: Upstream = {
  shrunk: () => false,
  flatInputMessage: (kind, input) => `${kind} gets a flat vector of ${input.join('×')}`,
  mapInputMessage: (kind, input) => `${kind} gets a ${input.join('×')} feature map`,
};

type Tensors = OnnxTensor['values'];
const asWeight = (tensor: OnnxTensor): WeightTensor => ({ shape: [...tensor.dims], values: Float32Array.from(tensor.values as Tensors) });

export class OnnxGraphMapper {
  readonly nodes: DraftNode[] = [];
  readonly edges: DraftEdge[] = [];
  readonly weights: GraphWeights = new Map();
  readonly notes: string[] = [];
  readonly problems: string[] = [];
  /** `Resize (nodes "/up/Resize", "/up2/Resize")`, grouped by operator. */
  private readonly unsupportedByOp = new Map<string, string[]>();
  weightsProblem: string | null = null;

  private readonly values = new Map<string, TensorValue>();
  /** Values whose maker could not be mapped: their users are not reported again. */
  private readonly broken = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly shapes = new Map<string, Shape>();
  private outputMade = false;

  constructor(
    private readonly constants: Constants,
    private readonly opset: number,
    private readonly graphOutput: string,
    /** How many nodes (and graph outputs) read each value. */
    private readonly uses: ReadonlyMap<string, number>,
  ) {}

  get unsupported(): string[] {
    return [...this.unsupportedByOp].map(([op, names]) => `${op} (${names.length === 1 ? 'node' : 'nodes'} ${names.map((n) => `"${n}"`).join(', ')})`);
  }

  /** The Input block from the graph's input; returns a problem, or null. */
  addInput(info: OnnxValueInfo): string | null {
    const shape = info.shape;
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number' || d < 1)) {
      const given = shape ? `(${shape.join(', ')})` : 'of unknown shape';
      return `the model's input "${info.name}" is ${given}; CNN Studio reads models whose input is an image batch (N, channels, height, width) with the image size given`;
    }
    if (info.dataType !== 'float') return `the model's input "${info.name}" holds ${info.dataType} values; CNN Studio models take float images`;
    const [, channels, height, width] = shape as [unknown, number, number, number];
    const id = this.claim(info.name || 'input');
    this.nodes.push({ id, type: 'input', params: { height, width, channels } });
    this.setValue(info.name, { block: id, shape: [height, width, channels] });
    return null;
  }

  map(node: OnnxNode): void {
    if (node.inputs.some((input) => this.broken.has(input))) {
      // Downstream of a problem nothing more is said, except which operators could never be read.
      const known = node.domain === STUDIO_DOMAIN || ((node.domain === '' || node.domain === 'ai.onnx') && KNOWN_OPERATORS.has(node.opType));
      return known ? this.breakOutputs(node) : this.unsupportedNode(node, node.domain ? `${node.domain}.${node.opType}` : node.opType);
    }
    if (node.domain === STUDIO_DOMAIN) return this.fused(node);
    if (node.domain !== '' && node.domain !== 'ai.onnx') return this.unsupportedNode(node, `${node.domain}.${node.opType}`);
    if (this.constants.evaluate(node, (value) => this.onnxShape(value))) return;
    switch (node.opType) {
      case 'Conv':
        return this.conv(node);
      case 'Pad':
        return this.pad(node);
      case 'BatchNormalization':
        return this.batchNorm(node);
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Softplus':
      case 'Softsign':
        return this.activation(node, node.opType.toLowerCase());
      case 'LeakyRelu':
        return this.activation(node, 'leakyRelu', floatAttribute(node, 'alpha') ?? 0.01);
      case 'Elu':
        if ((floatAttribute(node, 'alpha') ?? 1) !== 1) return this.problem(node, `has alpha ${floatAttribute(node, 'alpha')}; the studio's ELU has alpha 1`);
        return this.activation(node, 'elu');
      case 'Selu':
        return this.selu(node);
      case 'Gelu':
        if ((stringAttribute(node, 'approximate') ?? 'none') !== 'none') return this.problem(node, "is GELU's tanh approximation; the studio's GELU is the exact one (Erf)");
        return this.activation(node, 'gelu');
      case 'Clip':
        return this.clip(node);
      case 'Dropout':
        return this.dropout(node);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(node);
      case 'GlobalAveragePool':
        return this.single(node, 'globalAvgPool', { keepDims: true }, { map: true });
      case 'ReduceMean':
        return this.reduceMean(node);
      case 'Flatten':
        if ((intAttribute(node, 'axis') ?? 1) !== 1) return this.problem(node, `flattens from axis ${intAttribute(node, 'axis')}; the studio flattens everything but the batch (axis 1)`);
        return this.flatten(node);
      case 'Reshape':
        return this.reshape(node);
      case 'Transpose':
        return this.transpose(node);
      case 'Gemm':
        return this.gemm(node);
      case 'MatMul':
        return this.dense(node, node.inputs[1], undefined);
      case 'Add':
      case 'Sum':
        return this.merge(node, 'add');
      case 'Concat':
        return this.merge(node, 'concat');
      case 'Softmax':
      case 'LogSoftmax':
        return this.softmax(node);
      case 'Identity':
      case 'Cast': {
        const value = this.tensor(node, 0);
        if (value) this.setValue(node.outputs[0]!, value);
        return;
      }
      default:
        return this.unsupportedNode(node, node.opType);
    }
  }

  /** Adds the Output block after the graph's output, unless Softmax made it. */
  finish(): void {
    if (this.outputMade || this.broken.has(this.graphOutput)) return;
    const value = this.values.get(this.graphOutput);
    if (!value) {
      if (this.problems.length === 0 && this.unsupportedByOp.size === 0) this.problems.push(`the model's output "${this.graphOutput}" is made by no node it has`);
      return;
    }
    if (value.shape.length !== 1 || value.pad || value.channelsLast) {
      this.problems.push(`the model's output "${this.graphOutput}" is a ${value.shape.length === 3 ? 'feature map' : 'tensor'} of ${value.shape.join('×')}; CNN Studio models end in a vector of class scores`);
      return;
    }
    this.checkOrder(value, 'the output');
    this.addBlock(this.graphOutput || 'output', 'output', { activation: 'none' }, [value], this.graphOutput);
  }

  // ── operators ─────────────────────────────────────────────────────────────

  private conv(node: OnnxNode): void {
    const x = this.tensor(node, 0, { map: true, pad: true });
    const w = this.constantInput(node, 1, 'weights');
    const b = node.inputs[2] ? this.constantInput(node, 2, 'bias') : undefined;
    if (!x || !w || b === null) return;
    if (w.dims.length !== 4) return this.problem(node, `has ${w.dims.length}-D weights; the studio's convolutions are 2-D`);
    const [out, perGroup, kh, kw] = w.dims as [number, number, number, number];
    const channels = x.shape[2]!;
    const group = intAttribute(node, 'group') ?? 1;
    if (perGroup * group !== channels) return this.problem(node, `expects ${perGroup * group} input channels but gets ${channels}`);
    const kernel = intsAttribute(node, 'kernel_shape');
    if (kernel && kernel.join() !== [kh, kw].join()) return this.problem(node, `has kernel_shape ${kernel.join('×')} but ${kh}×${kw} weights`);
    const strides = this.pair(node, 'strides', 1);
    const dilation = this.pair(node, 'dilations', 1);
    const padding = this.convPadding(node, x, [kh, kw], strides, dilation);
    if (padding === null) return;
    const bias = b ? asWeight(b) : undefined;
    if (bias && bias.values.length !== out) return this.problem(node, `has ${bias.values.length} biases for ${out} output channels`);
    if (node.inputs[1]!.startsWith('onnx::')) {
      this.notes.push(
        `"${node.name}" has weights PyTorch's exporter computed (${node.inputs[1]}): an eval-mode torch.onnx.export folds a BatchNorm into the convolution before it; ` +
          'export with training=torch.onnx.TrainingMode.PRESERVE to keep the BatchNorm as a block of its own',
      );
    }
    const common = { kernelSize: [kh, kw], strides, padding, dilation, useBias: bias !== undefined };
    if (group === 1) {
      const weights = [studioKernel('conv2d', asWeight(w), [kh, kw, channels, out]), ...(bias ? [bias] : [])];
      return this.addFromNode(node, 'conv2d', { filters: out, ...common }, [x], node.inputs[1], weights);
    }
    if (group === channels && perGroup === 1 && out % channels === 0) {
      const multiplier = out / channels;
      const weights = [studioKernel('depthwiseConv2d', asWeight(w), [kh, kw, channels, multiplier]), ...(bias ? [bias] : [])];
      return this.addFromNode(node, 'depthwiseConv2d', { depthMultiplier: multiplier, ...common }, [x], node.inputs[1], weights);
    }
    this.problem(node, `is a convolution in ${group} groups; the studio has ordinary convolutions (1 group) and depthwise ones (a group per input channel)`);
  }

  /** The studio padding of a Conv: its pads, auto_pad and a Pad folded into it. */
  private convPadding(node: OnnxNode, x: TensorValue, kernel: [number, number], strides: [number, number], dilation: [number, number]) {
    const autoPad = (stringAttribute(node, 'auto_pad') ?? 'NOTSET') as AutoPad;
    const [pt, pl, pb, pr] = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
    let sides: [number, number, number, number] = [pt!, pb!, pl!, pr!];
    if (autoPad === 'SAME_UPPER' && !x.pad) return 'same' as const;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      sides = [0, 1].flatMap((axis) => {
        const input = x.shape[axis]!;
        const span = dilation[axis]! * (kernel[axis]! - 1) + 1;
        const total = Math.max((Math.ceil(input / strides[axis]!) - 1) * strides[axis]! + span - input, 0);
        const before = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
        return [before, total - before];
      }) as [number, number, number, number];
    } else if (autoPad === 'VALID') {
      sides = [0, 0, 0, 0];
    }
    if (x.pad) sides = sides.map((s, i) => s + x.pad![i]!) as [number, number, number, number];
    if (sides.some((s) => !Number.isInteger(s) || s < 0)) {
      this.problem(node, `pads by ${sides.join(', ')}; the studio pads by whole pixels, zero or more`);
      return null;
    }
    if (sides.every((s) => s === 0)) return 'valid' as const;
    return sides.every((s) => s === sides[0]) ? sides[0] : sides;
  }

  private pad(node: OnnxNode): void {
    const x = this.tensor(node, 0, { map: true });
    if (!x) return;
    const mode = stringAttribute(node, 'mode') ?? 'constant';
    const pads = this.opset >= 11 ? this.constants.numbers(node.inputs[1] ?? '') : intsAttribute(node, 'pads');
    const value = this.opset >= 11 ? (node.inputs[2] ? this.constants.scalar(node.inputs[2]) : 0) : (floatAttribute(node, 'value') ?? 0);
    if (mode !== 'constant' || value !== 0) return this.problem(node, `pads with ${mode === 'constant' ? `the value ${value}` : `mode ${mode}`}; the studio pads with zeros`);
    if (node.inputs[3]) return this.problem(node, 'pads chosen axes; the studio reads pads given for all four axes');
    if (!pads || pads.length !== 8) return this.problem(node, 'has pads that are not a constant of 8 values (N, C, H, W, before then after)');
    const [nb, cb, hb, wb, ne, ce, he, we] = pads as [number, number, number, number, number, number, number, number];
    if (nb || cb || ne || ce) return this.problem(node, 'pads the batch or channel axis; the studio pads height and width only');
    // PyTorch writes a Pad of nothing before an AvgPool2d that counts padding (its default).
    if (pads.every((p) => p === 0)) return this.setValue(node.outputs[0]!, x);
    this.setValue(node.outputs[0]!, { ...x, pad: [hb, he, wb, we] });
  }

  private batchNorm(node: OnnxNode): void {
    const x = this.tensor(node, 0, { ordered: true });
    const tensors = [1, 2, 3, 4].map((i) => this.constantInput(node, i, ['scale', 'bias', 'mean', 'variance'][i - 1]!));
    if (!x || tensors.some((t) => !t)) return;
    const channels = x.shape.at(-1)!;
    const weights = tensors.map((t) => this.reordered(asWeight(t!), x.order, false));
    if (weights.some((w) => w.values.length !== channels)) return this.problem(node, `has statistics for ${weights[0]!.values.length} channels but gets ${channels}`);
    const params = { epsilon: floatAttribute(node, 'epsilon') ?? 1e-5, momentum: floatAttribute(node, 'momentum') ?? 0.9 };
    this.addFromNode(node, 'batchNorm', params, [x], node.inputs[1], weights, x.order);
  }

  private activation(node: OnnxNode, fn: string, alpha?: number): void {
    const x = this.tensor(node, 0, { ordered: true });
    if (!x) return;
    this.addFromNode(node, 'activation', alpha === undefined ? { function: fn } : { function: fn, alpha }, [x], undefined, undefined, x.order);
  }

  private selu(node: OnnxNode): void {
    const alpha = floatAttribute(node, 'alpha') ?? 1.67326319217681884765625;
    const gamma = floatAttribute(node, 'gamma') ?? 1.05070102214813232421875;
    if (Math.abs(alpha - 1.6732632) > 1e-6 || Math.abs(gamma - 1.0507010) > 1e-6) return this.problem(node, `has alpha ${alpha} and gamma ${gamma}; the studio's SELU has the standard 1.6733 and 1.0507`);
    this.activation(node, 'selu');
  }

  private clip(node: OnnxNode): void {
    const bound = (index: number, attribute: string) =>
      this.opset >= 11 ? (node.inputs[index] ? this.constants.scalar(node.inputs[index]) : undefined) : floatAttribute(node, attribute);
    const low = bound(1, 'min');
    const high = bound(2, 'max');
    if (low === 0 && high === 6) return this.activation(node, 'relu6');
    if (low === 0 && (high === undefined || high === Infinity)) return this.activation(node, 'relu');
    this.problem(node, `clips to [${low ?? '-∞'}, ${high ?? '∞'}]; the studio has ReLU (0 to ∞) and ReLU6 (0 to 6)`);
  }

  private dropout(node: OnnxNode): void {
    const x = this.tensor(node, 0, { ordered: true });
    if (!x) return;
    const rate = this.opset >= 12 ? (node.inputs[1] ? this.constants.scalar(node.inputs[1]) : 0.5) : (floatAttribute(node, 'ratio') ?? 0.5);
    if (rate === undefined) return this.problem(node, 'has a rate that is not a constant');
    this.addFromNode(node, 'dropout', { rate }, [x], undefined, undefined, x.order);
  }

  private pool(node: OnnxNode): void {
    const x = this.tensor(node, 0, { map: true });
    if (!x) return;
    const kernel = intsAttribute(node, 'kernel_shape');
    if (!kernel || kernel.length !== 2) return this.problem(node, 'has no 2-D kernel_shape');
    if ((intsAttribute(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) return this.problem(node, "is a dilated pooling; the studio's pooling has no dilation");
    const strides = this.pair(node, 'strides', 1);
    const [pt, pl, pb, pr] = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
    const axes = [
      { input: x.shape[0]!, kernel: kernel[0]!, stride: strides[0], padBegin: pt!, padEnd: pb! },
      { input: x.shape[1]!, kernel: kernel[1]!, stride: strides[1], padBegin: pl!, padEnd: pr! },
    ] as const;
    const average = node.opType === 'AveragePool';
    const autoPad = (stringAttribute(node, 'auto_pad') ?? 'NOTSET') as AutoPad;
    const padding = matchPoolPadding([axes[0], axes[1]], autoPad, (intAttribute(node, 'ceil_mode') ?? 0) === 1, average && intAttribute(node, 'count_include_pad') === 1);
    if (padding === null) {
      return this.problem(node, `pools ${kernel.join('×')} windows with pads ${[pt, pl, pb, pr].join(', ')}${autoPad !== 'NOTSET' ? ` (${autoPad})` : ''} that neither "valid" nor TensorFlow's "same" padding gives`);
    }
    this.addFromNode(node, average ? 'avgPool2d' : 'maxPool2d', { poolSize: kernel, strides, padding }, [x]);
  }

  private reduceMean(node: OnnxNode): void {
    const x = this.tensor(node, 0, { map: true });
    if (!x) return;
    const axes = (this.opset >= 18 ? this.constants.numbers(node.inputs[1] ?? '') : intsAttribute(node, 'axes')) ?? [];
    const spatial = axes.map((a) => (a < 0 ? a + 4 : a)).sort().join();
    if (spatial !== '2,3') return this.problem(node, `averages over axes ${axes.join(', ') || 'all'}; the studio averages over height and width (GlobalAvgPool)`);
    this.single(node, 'globalAvgPool', { keepDims: (intAttribute(node, 'keepdims') ?? 1) === 1 }, { map: true });
  }

  private flatten(node: OnnxNode, x = this.tensor(node, 0, { channelsLast: true })): void {
    if (!x) return;
    if (x.shape.length === 1) return this.setValue(node.outputs[0]!, x);
    const [height, width, channels] = x.shape as [number, number, number];
    // A global average pool whose map only this flatten reads is one block: GlobalAvgPool without keepDims.
    const pooled = this.nodes.find((n) => n.id === x.block);
    if (!x.channelsLast && pooled?.type === 'globalAvgPool' && pooled.params.keepDims === true && this.uses.get(node.inputs[0]!) === 1) {
      pooled.params = { keepDims: false };
      return this.setValue(node.outputs[0]!, { block: x.block, shape: [channels] });
    }
    const order = x.channelsLast || height * width === 1 ? undefined : ([height, width, channels] as const);
    this.addFromNode(node, 'flatten', {}, [x], undefined, undefined, order);
  }

  private reshape(node: OnnxNode): void {
    const x = this.tensor(node, 0, { channelsLast: true });
    const target = this.constants.ints(node.inputs[1] ?? '');
    if (!x) return;
    const size = x.shape.reduce((a, b) => a * b, 1);
    const [first, second] = target ?? [];
    const flat = target?.length === 2 && (first === 'N' || first === 0 || (first === -1 && second !== -1)) && (second === -1 || second === size);
    if (!flat) return this.problem(node, `reshapes to ${target ? `(${target.join(', ')})` : 'a shape that is not a constant'}; the studio reshapes only to (N, features), as Flatten`);
    this.flatten(node, x);
  }

  private transpose(node: OnnxNode): void {
    const x = this.tensor(node, 0, { map: true });
    if (!x) return;
    const perm = intsAttribute(node, 'perm') ?? [];
    if (perm.join() !== '0,2,3,1') return this.problem(node, `permutes the axes to (${perm.join(', ')}); the studio reads only the transpose to channels last (0, 2, 3, 1) before a flatten`);
    this.setValue(node.outputs[0]!, { ...x, channelsLast: true });
  }

  private gemm(node: OnnxNode): void {
    if ((intAttribute(node, 'transA') ?? 0) !== 0) return this.problem(node, 'multiplies a transposed input (transA); the studio computes x·W + b');
    this.dense(node, node.inputs[1], node.inputs[2] || undefined, {
      transposed: (intAttribute(node, 'transB') ?? 0) === 1,
      alpha: floatAttribute(node, 'alpha') ?? 1,
      beta: floatAttribute(node, 'beta') ?? 1,
    });
  }

  private dense(node: OnnxNode, wName: string | undefined, bName: string | undefined, gemm = { transposed: false, alpha: 1, beta: 1 }): void {
    const x = this.tensor(node, 0, { ordered: true });
    const w = wName ? this.constantInput(node, 1, 'weights') : undefined;
    const b = bName ? this.constantInput(node, 2, 'bias') : undefined;
    if (!x || !w || b === null) return;
    if (x.shape.length !== 1) return this.problem(node, `multiplies a ${x.shape.join('×')} feature map; the studio's Dense takes a flat vector (add a Flatten before it)`);
    if (w.dims.length !== 2) return this.problem(node, `has ${w.dims.length}-D weights; a dense layer has 2-D ones`);
    let kernel = asWeight(w);
    if (gemm.transposed) kernel = transposeTensor(kernel, [1, 0]);
    const [inputs, units] = kernel.shape as [number, number];
    if (inputs !== x.shape[0]) return this.problem(node, `takes ${inputs} features but gets ${x.shape[0]}`);
    if (gemm.alpha !== 1) kernel = { shape: kernel.shape, values: kernel.values.map((v) => v * gemm.alpha) };
    kernel = this.reordered(kernel, x.order, true);
    let bias = b ? asWeight(b) : undefined;
    if (bias && bias.values.length !== units) return this.problem(node, `adds ${bias.values.length} biases to ${units} units`);
    if (bias) bias = { shape: [units], values: bias.values.map((v) => v * gemm.beta) };
    this.addFromNode(node, 'dense', { units, useBias: bias !== undefined }, [x], wName, bias ? [kernel, bias] : [kernel]);
  }

  private merge(node: OnnxNode, type: 'add' | 'concat'): void {
    if (node.inputs.some((input) => this.constants.has(input))) {
      return this.problem(node, type === 'add' ? 'adds a constant; the studio adds branches (Add merges two or more blocks)' : 'joins a constant to a branch');
    }
    const inputs = node.inputs.map((_, i) => this.tensor(node, i, { ordered: true }));
    if (inputs.some((x) => !x)) return;
    const values = inputs as TensorValue[];
    if (type === 'concat') {
      const rank = values[0]!.shape.length === 3 ? 4 : 2;
      const axis = intAttribute(node, 'axis') ?? 1;
      if (axis !== 1 && axis !== -rank + 1 && !(rank === 2 && axis === -1)) return this.problem(node, `joins along axis ${axis}; the studio joins along the channels (axis 1)`);
    }
    for (const value of values) this.checkOrder(value, `"${node.name}" (${node.opType})`);
    if (values.length === 1) return this.setValue(node.outputs[0]!, values[0]!);
    this.addFromNode(node, type, {}, values);
  }

  private softmax(node: OnnxNode): void {
    const x = this.tensor(node, 0, { ordered: true });
    if (!x) return;
    if (node.outputs[0] !== this.graphOutput) return this.problem(node, "is not the model's last step; the studio has softmax only as the Output block's activation");
    const axis = intAttribute(node, 'axis') ?? (this.opset >= 13 ? -1 : 1);
    if (x.shape.length !== 1 || (axis !== 1 && axis !== -1)) return this.problem(node, `takes the softmax of a ${x.shape.join('×')} tensor on axis ${axis}; the studio's output is a softmax over the class scores`);
    this.checkOrder(x, 'the output');
    if (node.opType === 'LogSoftmax') this.notes.push(`"${node.name}" (LogSoftmax) became the Output block's softmax: the studio gives probabilities, whose logarithm the model gave`);
    this.addBlock(this.graphOutput || node.name, 'output', { activation: 'softmax' }, [x], node.outputs[0]!);
    this.outputMade = true;
  }

  private fused(node: OnnxNode): void {
    if (node.opType === 'Dense') return this.dense(node, node.inputs[1], node.inputs[2]);
    this.activation(node, node.opType.toLowerCase());
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  /** Like `map` for a block of one input that keeps no weights. */
  private single(node: OnnxNode, type: BlockType, params: Record<string, unknown>, accept: { map?: boolean }): void {
    const x = this.tensor(node, 0, accept);
    if (x) this.addFromNode(node, type, params, [x]);
  }

  /**
   * The tensor value of input `index`, or undefined after recording why not. By default it must be
   * a plain block output; `accept` lets through what this operator can take: only maps, a held Pad,
   * a held Transpose, features in channels-first order.
   */
  private tensor(node: OnnxNode, index: number, accept: { map?: boolean; pad?: boolean; channelsLast?: boolean; ordered?: boolean } = {}): TensorValue | undefined {
    const name = node.inputs[index] ?? '';
    const value = this.values.get(name);
    if (!value) {
      if (this.constants.has(name)) this.problem(node, `computes on the constant "${name}"; the studio's blocks compute on the image`);
      else this.problem(node, `reads "${name}", which no node before it makes`);
      return undefined;
    }
    if (value.pad && !accept.pad) return void this.problem(node, 'follows a Pad; the studio folds a zero Pad only into the Conv right after it');
    if (value.channelsLast && !accept.channelsLast) return void this.problem(node, 'follows a Transpose to channels last; the studio reads that only before a Flatten or Reshape');
    if (accept.map && value.shape.length !== 3) return void this.problem(node, `gets a flat vector of ${value.shape[0]}; it works on feature maps`);
    if (value.order && !accept.ordered) this.checkOrder(value, `"${node.name}" (${node.opType})`);
    return value;
  }

  /** A constant input (an initializer), or null after recording that it is not one. */
  private constantInput(node: OnnxNode, index: number, what: string): OnnxTensor | null {
    const tensor = this.constants.tensor(node.inputs[index] ?? '');
    if (!tensor) {
      this.problem(node, `has ${what} that are not a constant (an initializer); the studio imports fixed weights`);
      return null;
    }
    return tensor;
  }

  private pair(node: OnnxNode, name: string, fallback: number): [number, number] {
    const values = intsAttribute(node, name);
    return values && values.length === 2 ? [values[0]!, values[1]!] : [fallback, fallback];
  }

  /**
   * Flat features in channels-first order made channels last: a dense kernel's rows (`rows`) or a
   * BatchNorm's vectors. Feature (c, h, w) sits at c·H·W + h·W + w there, at (h·W + w)·C + c here.
   */
  private reordered(tensor: WeightTensor, order: TensorValue['order'], rows: boolean): WeightTensor {
    if (!order) return tensor;
    const [height, width, channels] = order;
    const columns = rows ? tensor.shape[1]! : 1;
    const out = new Float32Array(tensor.values.length);
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++) {
          const studio = (h * width + w) * channels + c;
          const onnx = c * height * width + h * width + w;
          out.set(tensor.values.subarray(onnx * columns, (onnx + 1) * columns), studio * columns);
        }
      }
    }
    return { shape: tensor.shape, values: out };
  }

  /** Features in channels-first order reaching a place where no weights can put them in the studio's order. */
  private checkOrder(value: TensorValue, where: string): void {
    if (!value.order || this.weightsProblem) return;
    this.weightsProblem = `the features flattened by "${value.block}" reach ${where} in channels-first order, where the studio flattens channels last, so its outputs would differ from the model's with these weights`;
  }

  /** Adds a block made from `node`, named after the PyTorch module or the node. */
  private addFromNode(node: OnnxNode, type: BlockType, params: Record<string, unknown>, inputs: TensorValue[], weightName?: string, weights?: WeightTensor[], order?: TensorValue['order']): void {
    this.addBlock(blockName(node, weightName), type, params, inputs, node.outputs[0]!, weights, order, node);
  }

  private addBlock(
    wanted: string,
    type: BlockType,
    params: Record<string, unknown>,
    inputs: TensorValue[],
    output: string,
    weights?: WeightTensor[],
    order?: TensorValue['order'],
    node?: OnnxNode,
  ): void {
    const parsed = blockParamSchemas[type].safeParse(params);
    const where = node ? `"${node.name}" (${node.opType})` : `the ${type} block`;
    if (!parsed.success) return void this.problems.push(`${where}: ${parsed.error.issues[0]?.message ?? 'settings the studio cannot hold'}`);
    const spec = BLOCKS[type] as unknown as { outputShape(p: unknown, shapes: readonly Shape[], upstream: Upstream): ShapeResult };
    const result = spec.outputShape(parsed.data, inputs.map((x) => x.shape), PLAIN_UPSTREAM);
    if ('error' in result) {
      this.problems.push(`${where}: ${result.error}`);
      this.broken.add(output);
      return;
    }
    const id = this.claim(wanted);
    this.nodes.push({ id, type, params });
    for (const x of inputs) this.edges.push({ source: x.block, target: id });
    if (weights) this.weights.set(id, weights);
    this.setValue(output, { block: id, shape: result.shape, ...(order && order[0] * order[1] > 1 ? { order } : {}) });
  }

  private setValue(name: string, value: TensorValue): void {
    this.values.set(name, value);
    this.shapes.set(name, value.shape);
  }

  /** A value's shape as ONNX has it, batch first ('N'), for the shape arithmetic. */
  private onnxShape(name: string): (number | 'N')[] | undefined {
    const value = this.values.get(name);
    if (!value) return undefined;
    if (value.shape.length === 1) return ['N', value.shape[0]!];
    const [h, w, c] = value.shape as [number, number, number];
    return value.channelsLast ? ['N', h, w, c] : ['N', c, h, w];
  }

  private claim(wanted: string): string {
    const base = wanted.trim() === '' ? 'block' : wanted;
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base}_${n}`;
    this.ids.add(id);
    return id;
  }

  private problem(node: OnnxNode, text: string): void {
    this.problems.push(`"${node.name}" (${node.opType}) ${text}`);
    this.breakOutputs(node);
  }

  private unsupportedNode(node: OnnxNode, op: string): void {
    const names = this.unsupportedByOp.get(op) ?? [];
    names.push(node.name);
    this.unsupportedByOp.set(op, names);
    this.breakOutputs(node);
  }

  private breakOutputs(node: OnnxNode): void {
    for (const output of node.outputs) this.broken.add(output);
  }
}

/**
 * A block's name from its node: the PyTorch module prefix of its weights (`conv1.weight` →
 * `conv1`), the module path of a scoped node name (`/layer1/relu/Relu` → `layer1.relu`), or the
 * node's own name (the studio's exporter names nodes after blocks).
 */
export function blockName(node: OnnxNode, weightName?: string): string {
  const prefix = weightName === undefined ? undefined : /^(.+)\.weight$/.exec(weightName)?.[1];
  if (prefix) return prefix;
  const scoped = /^\/(.+)\/[A-Za-z]+(?:_\d+)?$/.exec(node.name);
  if (scoped) return scoped[1]!.replaceAll('/', '.');
  if (/^\/?[A-Za-z]+(?:_\d+)?$/.test(node.name) && node.name.toLowerCase().startsWith(node.opType.toLowerCase())) return node.opType.toLowerCase();
  return node.name || node.opType.toLowerCase();
}
