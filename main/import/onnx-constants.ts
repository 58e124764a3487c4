/**
 * The constant values of an ONNX graph: initializers and Constant nodes, and what the small
 * arithmetic exporters write around them folds to. PyTorch computes the pads of an `F.pad` with
 * ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape → Cast, and the target of an
 * `x.view(x.size(0), -1)` with Shape → Gather → Unsqueeze → Concat; all of it is evaluated here,
 * on small tensors. A value that depends on the batch size, which is not known, holds the symbol
 * 'N' (and so does anything computed from it).
 */
import { floatAttribute, intAttribute, intsAttribute, type OnnxNode, type OnnxTensor } from '../onnx/model.ts';

/** A small constant tensor; integer or float values, 'N' for the batch size. */
export interface Constant {
  dims: number[];
  values: (number | 'N')[];
  /** Integer element type (Div truncates). */
  integer: boolean;
  /** The initializer or Constant it is, when it is one: weights are taken from here. */
  tensor?: OnnxTensor;
}

/** Shape arithmetic never needs more; a larger computed constant is left unevaluated. */
const MAX_FOLDED_VALUES = 4096;

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function stridesOf(dims: readonly number[]): number[] {
  const strides = dims.map(() => 1);
  for (let a = dims.length - 2; a >= 0; a--) strides[a] = strides[a + 1]! * dims[a + 1]!;
  return strides;
}

/** Calls `visit(outputIndex, coordinates)` for every element of a tensor of `dims`, in row-major order. */
function forEachIndex(dims: readonly number[], visit: (flat: number, at: number[]) => void): void {
  const at = dims.map(() => 0);
  for (let flat = 0; flat < size(dims); flat++) {
    visit(flat, at);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++at[a]! < dims[a]!) break;
      at[a] = 0;
    }
  }
}

const normalizeAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const isInteger = (tensor: OnnxTensor) => tensor.dataType !== 'float' && tensor.dataType !== 'double';
/** TensorProto.DataType codes of FLOAT, FLOAT16, DOUBLE, BFLOAT16. */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

export class Constants {
  private readonly values = new Map<string, Constant>();

  constructor(initializers: readonly OnnxTensor[]) {
    for (const tensor of initializers) this.values.set(tensor.name, { dims: tensor.dims, values: Array.from(tensor.values), integer: isInteger(tensor), tensor });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The initializer (or Constant node's tensor) a value is, through Identity nodes: where weights come from. */
  tensor(name: string): OnnxTensor | undefined {
    return this.values.get(name)?.tensor;
  }

  /** The numbers of a constant, unless it holds the batch size. */
  numbers(name: string): number[] | undefined {
    const value = this.values.get(name);
    return value && value.values.every((v) => v !== 'N') ? (value.values as number[]) : undefined;
  }

  /** A single number held by a constant of one value. */
  scalar(name: string): number | undefined {
    const numbers = this.numbers(name);
    return numbers?.length === 1 ? numbers[0] : undefined;
  }

  /** The values of a constant, with 'N' for the batch size. */
  ints(name: string): (number | 'N')[] | undefined {
    return this.values.get(name)?.values;
  }

  /**
   * Evaluates `node` when it computes a constant from constants (or from a tensor's known shape,
   * via `shapeOf`); returns whether it did. Anything it cannot fold is left to the caller.
   */
  evaluate(node: OnnxNode, shapeOf: (value: string) => (number | 'N')[] | undefined): boolean {
    const output = node.outputs[0];
    if (output === undefined || (node.domain !== '' && node.domain !== 'ai.onnx')) return false;
    let result: Constant | undefined;
    try {
      result = this.fold(node, shapeOf);
    } catch {
      result = undefined;
    }
    if (!result || result.values.length > MAX_FOLDED_VALUES || result.values.length !== size(result.dims)) return false;
    this.values.set(output, result);
    return true;
  }

  private fold(node: OnnxNode, shapeOf: (value: string) => (number | 'N')[] | undefined): Constant | undefined {
    const op = node.opType;
    if (op === 'Constant') return constantNode(node);
    if (op === 'Shape') {
      const shape = node.inputs[0] === undefined ? undefined : shapeOf(node.inputs[0]);
      return shape ? { dims: [shape.length], values: shape, integer: true } : undefined;
    }
    const inputs = node.inputs.map((name) => (name === '' ? undefined : this.values.get(name)));
    // Every given input must be constant; optional ones left out ('') are undefined.
    if (node.inputs.some((name, i) => name !== '' && inputs[i] === undefined)) return undefined;
    const [x] = inputs;
    if (!x) return undefined;
    const numbers = (c: Constant | undefined) => (c && c.values.every((v) => v !== 'N') ? (c.values as number[]) : undefined);
    switch (op) {
      case 'Identity':
        return x;
      case 'Cast': {
        const integer = !FLOAT_TYPES.has(intAttribute(node, 'to') ?? 1);
        return { dims: x.dims, values: x.values.map((v) => (v === 'N' || !integer ? v : Math.trunc(v))), integer };
      }
      case 'ConstantOfShape': {
        const dims = numbers(x);
        const value = node.attributes.value?.type === 'tensor' ? node.attributes.value.value : undefined;
        const fill = value ? Number(value.values[0] ?? 0) : 0;
        return dims ? { dims, values: new Array<number>(size(dims)).fill(fill), integer: value ? isInteger(value) : false } : undefined;
      }
      case 'Reshape': {
        const target = numbers(inputs[1]);
        if (!target) return undefined;
        const dims = target.map((d, i) => (d === 0 ? x.dims[i]! : d));
        const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        return { dims: dims.map((d) => (d === -1 ? x.values.length / known : d)), values: x.values, integer: x.integer };
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        const axes = intsAttribute(node, 'axes') ?? numbers(inputs[1]);
        if (op === 'Squeeze') {
          const drop = (axes ?? x.dims.map((d, i) => (d === 1 ? i : -1))).map((a) => normalizeAxis(a, x.dims.length));
          return { dims: x.dims.filter((_, i) => !drop.includes(i)), values: x.values, integer: x.integer };
        }
        if (!axes) return undefined;
        const rank = x.dims.length + axes.length;
        const added = axes.map((a) => normalizeAxis(a, rank));
        const dims: number[] = [];
        let from = 0;
        for (let i = 0; i < rank; i++) dims.push(added.includes(i) ? 1 : x.dims[from++]!);
        return { dims, values: x.values, integer: x.integer };
      }
      case 'Concat': {
        const parts = inputs as Constant[];
        const axis = normalizeAxis(intAttribute(node, 'axis') ?? 0, x.dims.length);
        const dims = [...x.dims];
        dims[axis] = parts.reduce((sum, p) => sum + p.dims[axis]!, 0);
        const outer = size(x.dims.slice(0, axis));
        const values: (number | 'N')[] = [];
        for (let o = 0; o < outer; o++) {
          for (const p of parts) {
            const chunk = size(p.dims.slice(axis));
            values.push(...p.values.slice(o * chunk, (o + 1) * chunk));
          }
        }
        return { dims, values, integer: x.integer };
      }
      case 'Gather': {
        const indices = numbers(inputs[1]);
        if (!indices) return undefined;
        const axis = normalizeAxis(intAttribute(node, 'axis') ?? 0, x.dims.length);
        const outer = size(x.dims.slice(0, axis));
        const inner = size(x.dims.slice(axis + 1));
        const values: (number | 'N')[] = [];
        for (let o = 0; o < outer; o++) {
          for (const raw of indices) {
            const i = raw < 0 ? raw + x.dims[axis]! : raw;
            values.push(...x.values.slice((o * x.dims[axis]! + i) * inner, (o * x.dims[axis]! + i + 1) * inner));
          }
        }
        return { dims: [...x.dims.slice(0, axis), ...inputs[1]!.dims, ...x.dims.slice(axis + 1)], values, integer: x.integer };
      }
      case 'Transpose': {
        const perm = intsAttribute(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
        const dims = perm.map((a) => x.dims[a]!);
        const strides = stridesOf(x.dims);
        const values: (number | 'N')[] = [];
        forEachIndex(dims, (_, at) => values.push(x.values[at.reduce((sum, v, i) => sum + v * strides[perm[i]!]!, 0)]!));
        return { dims, values, integer: x.integer };
      }
      case 'Slice':
        return slice(x, numbers(inputs[1]), numbers(inputs[2]), numbers(inputs[3]), numbers(inputs[4]));
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return elementwise(op, x, inputs[1]);
      default:
        return undefined;
    }
  }
}

function constantNode(node: OnnxNode): Constant | undefined {
  const tensor = node.attributes.value;
  if (tensor?.type === 'tensor') {
    return { dims: tensor.value.dims, values: Array.from(tensor.value.values), integer: isInteger(tensor.value), tensor: { ...tensor.value, name: node.outputs[0]! } };
  }
  const real = floatAttribute(node, 'value_float');
  if (node.attributes.value_float && real !== undefined) return { dims: [], values: [real], integer: false };
  const whole = intAttribute(node, 'value_int');
  if (whole !== undefined) return { dims: [], values: [whole], integer: true };
  const many = intsAttribute(node, 'value_ints');
  if (many) return { dims: [many.length], values: many, integer: true };
  return undefined;
}

/** numpy-style slicing (ONNX Slice, opset 10 on: starts, ends, axes and steps as inputs). */
function slice(x: Constant, starts?: number[], ends?: number[], axes?: number[], steps?: number[]): Constant | undefined {
  if (!starts || !ends) return undefined;
  const ranges = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
  (axes ?? starts.map((_, i) => i)).forEach((rawAxis, i) => {
    const axis = normalizeAxis(rawAxis, x.dims.length);
    const dim = x.dims[axis]!;
    const step = steps?.[i] ?? 1;
    const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v, low), high);
    let start = starts[i]! < 0 ? starts[i]! + dim : starts[i]!;
    let end = ends[i]! < 0 ? ends[i]! + dim : ends[i]!;
    if (step > 0) {
      start = clamp(start, 0, dim);
      end = clamp(end, 0, dim);
    } else {
      start = clamp(start, -1, dim - 1);
      end = clamp(end, -1, dim - 1);
    }
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  const dims = ranges.map((r) => r.count);
  const strides = stridesOf(x.dims);
  const values: (number | 'N')[] = [];
  forEachIndex(dims, (_, at) => values.push(x.values[at.reduce((sum, v, a) => sum + (ranges[a]!.start + v * ranges[a]!.step) * strides[a]!, 0)]!));
  return { dims, values, integer: x.integer };
}

/** Add, Sub, Mul and Div of two constants of one shape, or of a constant and a single value. */
function elementwise(op: string, a: Constant, b: Constant | undefined): Constant | undefined {
  if (!b) return undefined;
  const single = (c: Constant) => c.values.length === 1;
  if (a.values.length !== b.values.length && !single(a) && !single(b)) return undefined;
  const dims = single(a) ? b.dims : a.dims;
  const count = Math.max(a.values.length, b.values.length);
  const at = (c: Constant, i: number) => c.values[single(c) ? 0 : i]!;
  const integer = a.integer && b.integer;
  const values = Array.from({ length: count }, (_, i): number | 'N' => {
    const x = at(a, i);
    const y = at(b, i);
    if (x === 'N' || y === 'N') return 'N';
    if (op === 'Div') return integer ? Math.trunc(x / y) : x / y;
    return op === 'Add' ? x + y : op === 'Sub' ? x - y : x * y;
  });
  return { dims, values, integer };
}
