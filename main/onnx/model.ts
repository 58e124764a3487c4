/**
 * An ONNX model as plain data: the subset of the ONNX protobuf schema (onnx.proto, IR version 8)
 * that a small CNN needs. The exporter builds one, the importer reads one; codec.ts turns it into
 * bytes and back with the `onnx-proto` library. Nothing here depends on that library, so the
 * exporter and importer stay free of it (and of Node.js).
 */

/** The ONNX operator set the studio writes: 13 (Softmax on one axis, Clip with min/max inputs). */
export const ONNX_OPSET = 13;
/** IR version 7 goes with opsets up to 13 (onnx/helper.py VERSION_TABLE, ONNX 1.8). */
export const ONNX_IR_VERSION = 7;

/** Element types the studio reads and writes (TensorProto.DataType). */
export type OnnxDataType = 'float' | 'double' | 'int64' | 'int32' | 'int16' | 'uint16' | 'int8' | 'uint8' | 'bool';

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** Row-major values; int64 values beyond ±2^53 are refused when read. */
  values: Float32Array | Float64Array | number[];
}

export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  /** Kinds the studio never needs (graphs, sparse tensors, …), kept by name so an importer can say so. */
  | { type: 'other'; kind: string };

export interface OnnxNode {
  name: string;
  opType: string;
  /** Operator domain; '' (or 'ai.onnx') is the standard one. */
  domain: string;
  /** Value names; '' marks an optional input left out. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A graph input or output: its element type and shape, a dimension given by number or by name ("N"). */
export interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataType | 'other';
  /** Null when the model gives no shape. */
  shape: (number | string)[] | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** Version of the standard operator set ('' domain). */
  opset: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  /** Key-value metadata (ModelProto.metadata_props). */
  metadata: Record<string, string>;
  graph: OnnxGraph;
}

/** A node attribute by name and kind, or undefined when the node does not set it. */
export function intAttribute(node: OnnxNode, name: string): number | undefined {
  const a = node.attributes[name];
  return a?.type === 'int' ? a.value : undefined;
}

export function floatAttribute(node: OnnxNode, name: string): number | undefined {
  const a = node.attributes[name];
  return a?.type === 'float' ? a.value : a?.type === 'int' ? a.value : undefined;
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const a = node.attributes[name];
  return a?.type === 'ints' ? a.value : undefined;
}

export function stringAttribute(node: OnnxNode, name: string): string | undefined {
  const a = node.attributes[name];
  return a?.type === 'string' ? a.value : undefined;
}
