/**
 * Collects the nodes and initializers of an ONNX graph under names that are unique in it: value
 * names, node names and initializer names share one namespace here, so a block called
 * "conv1/pad" never collides with the pad made for a block called "conv1".
 */
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/model.ts';
import type { WeightTensor } from '../weights/types.ts';

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly taken = new Set<string>();

  /** `name`, or `name_2`, `name_3`, … when it is taken. */
  claim(name: string): string {
    let unique = name;
    for (let n = 2; this.taken.has(unique); n++) unique = `${name}_${n}`;
    this.taken.add(unique);
    return unique;
  }

  /** Reserves names that must come out as given (the blocks' own), before any helper claims one. */
  reserve(names: Iterable<string>): void {
    for (const name of names) this.taken.add(name);
  }

  /** A float32 initializer; returns its (unique) name. */
  weight(name: string, tensor: WeightTensor): string {
    const unique = this.claim(name);
    this.initializers.push({ name: unique, dataType: 'float', dims: tensor.shape, values: tensor.values });
    return unique;
  }

  /** A constant int64 or float initializer (axes, shapes, clip bounds). */
  constant(name: string, dataType: 'int64' | 'float', dims: number[], values: number[]): string {
    const unique = this.claim(name);
    this.initializers.push({ name: unique, dataType, dims, values: dataType === 'float' ? Float32Array.from(values) : values });
    return unique;
  }

  /**
   * Adds a node and returns its output's name: `output` when given (already unique: a block's own
   * name), else a fresh one from the node's name.
   */
  node(opType: string, name: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, output?: string): string {
    const nodeName = output ?? this.claim(name);
    const value = output ?? nodeName;
    this.nodes.push({ name: nodeName, opType, domain: '', inputs, outputs: [value], attributes });
    return value;
  }
}

export const ints = (value: number[]): OnnxAttribute => ({ type: 'ints', value });
export const int = (value: number): OnnxAttribute => ({ type: 'int', value });
export const float = (value: number): OnnxAttribute => ({ type: 'float', value });
