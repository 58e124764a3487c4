/**
 * The constant values of an ONNX graph: initializers, Constant nodes, and what Identity, Cast and
 * the shape arithmetic PyTorch writes around a reshape (Shape → Gather → Unsqueeze → Concat) make
 * of them. A shape may hold the batch size, which is not known; it is kept as the symbol 'N'.
 */
import { floatAttribute, intAttribute, intsAttribute, type OnnxNode, type OnnxTensor } from '../onnx/model.ts';

/** A constant tensor, or a vector of integers some of which are the batch size. */
export type Constant = { kind: 'tensor'; tensor: OnnxTensor } | { kind: 'ints'; values: (number | 'N')[] };

export class Constants {
  private readonly values = new Map<string, Constant>();

  constructor(initializers: readonly OnnxTensor[]) {
    for (const tensor of initializers) this.values.set(tensor.name, { kind: 'tensor', tensor });
  }

  get(name: string): Constant | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A constant tensor by value name, when it is one. */
  tensor(name: string): OnnxTensor | undefined {
    const value = this.values.get(name);
    return value?.kind === 'tensor' ? value.tensor : undefined;
  }

  /** The numbers of a constant (a tensor, or a shape without the batch symbol). */
  numbers(name: string): number[] | undefined {
    const value = this.values.get(name);
    if (value?.kind === 'tensor') return Array.from(value.tensor.values);
    if (value?.kind === 'ints' && value.values.every((v) => v !== 'N')) return value.values as number[];
    return undefined;
  }

  /** A single number held by a constant of one value. */
  scalar(name: string): number | undefined {
    const numbers = this.numbers(name);
    return numbers?.length === 1 ? numbers[0] : undefined;
  }

  /** Integers, with 'N' for the batch size. */
  ints(name: string): (number | 'N')[] | undefined {
    const value = this.values.get(name);
    if (value?.kind === 'ints') return value.values;
    if (value?.kind === 'tensor' && (value.tensor.dataType === 'int64' || value.tensor.dataType === 'int32')) return Array.from(value.tensor.values);
    return undefined;
  }

  set(name: string, value: Constant): void {
    this.values.set(name, value);
  }

  /**
   * Evaluates `node` when it computes a constant from constants (or from a known shape via
   * `shapeOf`); returns whether it did. Constant, Identity, Cast, Shape, Gather, Unsqueeze,
   * Squeeze and Concat of integers are evaluated; anything else is left to the caller.
   */
  evaluate(node: OnnxNode, shapeOf: (value: string) => (number | 'N')[] | undefined): boolean {
    const [first] = node.inputs;
    const output = node.outputs[0];
    if (output === undefined) return false;
    switch (node.opType) {
      case 'Constant': {
        const tensor = node.attributes.value;
        if (tensor?.type === 'tensor') return this.put(output, { kind: 'tensor', tensor: { ...tensor.value, name: output } });
        const single = floatAttribute(node, 'value_float') ?? intAttribute(node, 'value_int');
        if (single !== undefined) return this.put(output, { kind: 'tensor', tensor: { name: output, dataType: 'float', dims: [], values: [single] } });
        const many = intsAttribute(node, 'value_ints');
        if (many) return this.put(output, { kind: 'ints', values: many });
        return false;
      }
      case 'Identity':
      case 'Cast': {
        const value = first === undefined ? undefined : this.values.get(first);
        return value ? this.put(output, value) : false;
      }
      case 'Shape': {
        const shape = first === undefined ? undefined : shapeOf(first);
        return shape ? this.put(output, { kind: 'ints', values: shape }) : false;
      }
      case 'Gather': {
        const data = first === undefined ? undefined : this.ints(first);
        const indices = node.inputs[1] === undefined ? undefined : this.ints(node.inputs[1]);
        if (!data || !indices || (intAttribute(node, 'axis') ?? 0) !== 0 || indices.some((i) => i === 'N')) return false;
        return this.put(output, { kind: 'ints', values: (indices as number[]).map((i) => data[i < 0 ? data.length + i : i]!) });
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        const data = first === undefined ? undefined : this.ints(first);
        return data ? this.put(output, { kind: 'ints', values: data }) : false;
      }
      case 'Concat': {
        const parts = node.inputs.map((name) => this.ints(name));
        if (parts.some((p) => p === undefined)) return false;
        return this.put(output, { kind: 'ints', values: parts.flatMap((p) => p!) });
      }
      default:
        return false;
    }
  }

  private put(name: string, value: Constant): true {
    this.values.set(name, value);
    return true;
  }
}
