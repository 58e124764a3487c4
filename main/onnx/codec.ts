/**
 * ONNX models to protobuf bytes and back, through the `onnx-proto` library (protobufjs code
 * generated from onnx.proto). Decoding never trusts the file: a message that does not decode, a
 * tensor whose data does not fill its shape, weights kept in external files or in element types
 * the studio does not compute in each end in an OnnxFormatError with one line that says which.
 */
import onnxProto from 'onnx-proto';
import { StudioError } from '../errors.ts';
import type { OnnxAttribute, OnnxDataType, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model.ts';

const { onnx } = onnxProto;
type Long = { toNumber(): number; high: number; low: number };

export class OnnxFormatError extends StudioError {
  override name = 'OnnxFormatError';
}

const DATA_TYPES: Record<OnnxDataType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int16: onnx.TensorProto.DataType.INT16,
  uint16: onnx.TensorProto.DataType.UINT16,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};
/** Bytes per value in raw_data. */
const SIZES: Record<OnnxDataType, number> = { float: 4, double: 8, int64: 8, int32: 4, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1 };
const DATA_TYPE_NAMES = new Map(Object.entries(DATA_TYPES).map(([name, code]) => [code, name as OnnxDataType]));
const TYPE_NAMES = new Map(Object.entries(onnx.TensorProto.DataType).map(([name, code]) => [code as number, name.toLowerCase()]));

/** The model as ONNX protobuf bytes. */
export function encodeOnnx(model: OnnxModel): Uint8Array {
  const message = onnx.ModelProto.create({
    irVersion: model.irVersion,
    opsetImport: [{ domain: '', version: model.opset }],
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graph.name,
      node: model.graph.nodes.map(encodeNode),
      initializer: model.graph.initializers.map(encodeTensor),
      input: model.graph.inputs.map(encodeValueInfo),
      output: model.graph.outputs.map(encodeValueInfo),
    },
  });
  return onnx.ModelProto.encode(message).finish();
}

function encodeNode(node: OnnxNode) {
  return {
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    input: node.inputs,
    output: node.outputs,
    attribute: Object.entries(node.attributes).map(([name, attribute]) => encodeAttribute(name, attribute)),
  };
}

function encodeAttribute(name: string, a: OnnxAttribute) {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: a.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
    case 'tensor':
      return { name, type: T.TENSOR, t: encodeTensor(a.value) };
    case 'other':
      throw new Error(`cannot write an attribute of kind ${a.kind}`);
  }
}

function encodeTensor(tensor: OnnxTensor) {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (tensor.values.length !== count) throw new Error(`tensor ${tensor.name} has ${tensor.values.length} values for dims ${tensor.dims.join('×')}`);
  // Raw little-endian bytes, as PyTorch and onnx.numpy_helper write them.
  const size = SIZES[tensor.dataType];
  const raw = new Uint8Array(count * size);
  const view = new DataView(raw.buffer);
  Array.from(tensor.values).forEach((value, i) => writeValue(view, i * size, tensor.dataType, value));
  return { name: tensor.name, dataType: DATA_TYPES[tensor.dataType], dims: tensor.dims, rawData: raw };
}

function writeValue(view: DataView, at: number, type: OnnxDataType, value: number): void {
  switch (type) {
    case 'float':
      return view.setFloat32(at, value, true);
    case 'double':
      return view.setFloat64(at, value, true);
    case 'int64':
      return view.setBigInt64(at, BigInt(value), true);
    case 'int32':
      return view.setInt32(at, value, true);
    case 'int16':
      return view.setInt16(at, value, true);
    case 'uint16':
      return view.setUint16(at, value, true);
    case 'int8':
      return view.setInt8(at, value);
    case 'uint8':
    case 'bool':
      return view.setUint8(at, value);
  }
}

function readValue(view: DataView, at: number, type: OnnxDataType): number {
  switch (type) {
    case 'float':
      return view.getFloat32(at, true);
    case 'double':
      return view.getFloat64(at, true);
    case 'int64':
      return safeInteger(view.getBigInt64(at, true));
    case 'int32':
      return view.getInt32(at, true);
    case 'int16':
      return view.getInt16(at, true);
    case 'uint16':
      return view.getUint16(at, true);
    case 'int8':
      return view.getInt8(at);
    case 'uint8':
    case 'bool':
      return view.getUint8(at);
  }
}

function encodeValueInfo(info: OnnxValueInfo) {
  const elemType = info.dataType === 'other' ? 0 : DATA_TYPES[info.dataType];
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType,
        shape: info.shape === null ? null : { dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Reads ONNX protobuf bytes; throws OnnxFormatError with one line naming what is wrong. */
export function decodeOnnx(bytes: Uint8Array): OnnxModel {
  let message: InstanceType<typeof onnx.ModelProto>;
  try {
    message = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(`it is not an ONNX model (its protobuf does not decode: ${(error as Error).message})`);
  }
  if (!message.graph) throw new OnnxFormatError('it is not an ONNX model (it holds no graph)');
  const standard = message.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const graph = message.graph;
  return {
    irVersion: toNumber(message.irVersion),
    opset: standard ? toNumber(standard.version) : 0,
    producerName: message.producerName ?? '',
    producerVersion: message.producerVersion ?? '',
    docString: message.docString ?? '',
    metadata: Object.fromEntries(message.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    graph: {
      name: graph.name ?? '',
      nodes: (graph.node ?? []).map((node, index) => decodeNode(node, index)),
      initializers: (graph.initializer ?? []).map((t) => decodeTensor(t, `initializer "${t.name ?? ''}"`)),
      inputs: (graph.input ?? []).map(decodeValueInfo),
      outputs: (graph.output ?? []).map(decodeValueInfo),
    },
  };
}

function decodeNode(node: onnxProto.onnx.INodeProto, index: number): OnnxNode {
  const name = node.name || `${node.opType ?? 'node'}_${index}`;
  const attributes: Record<string, OnnxAttribute> = {};
  for (const a of node.attribute ?? []) attributes[a.name ?? ''] = decodeAttribute(a, name);
  return { name, opType: node.opType ?? '', domain: node.domain ?? '', inputs: [...(node.input ?? [])], outputs: [...(node.output ?? [])], attributes };
}

function decodeAttribute(a: onnxProto.onnx.IAttributeProto, node: string): OnnxAttribute {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return { type: 'int', value: toNumber(a.i) };
    case T.FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case T.INTS:
      return { type: 'ints', value: (a.ints ?? []).map(toNumber) };
    case T.FLOATS:
      return { type: 'floats', value: [...(a.floats ?? [])] };
    case T.STRING:
      return { type: 'string', value: new TextDecoder().decode(a.s ?? new Uint8Array()) };
    case T.TENSOR:
      return { type: 'tensor', value: decodeTensor(a.t ?? {}, `the ${a.name} of node "${node}"`) };
    default:
      return { type: 'other', kind: Object.entries(T).find(([, code]) => code === a.type)?.[0]?.toLowerCase() ?? String(a.type) };
  }
}

/** Element types the studio reads, widened to numbers; the others are named in the error. */
function decodeTensor(t: onnxProto.onnx.ITensorProto, what: string): OnnxTensor {
  const tensor = onnx.TensorProto.create(t);
  const dims = tensor.dims.map(toNumber);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new OnnxFormatError(`${what} has the shape ${dims.join('×')}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxFormatError(`${what} keeps its values in an external file; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))`);
  }
  const dataType = DATA_TYPE_NAMES.get(tensor.dataType);
  if (dataType === undefined) {
    throw new OnnxFormatError(`${what} holds ${TYPE_NAMES.get(tensor.dataType) ?? `type ${tensor.dataType}`} values; CNN Studio reads float (32-bit), double and integer tensors`);
  }
  const raw = tensor.rawData.length > 0 ? tensor.rawData : null;
  const values = raw ? fromRaw(raw, dataType, count, what) : fromFields(tensor, dataType);
  if (values.length !== count) throw new OnnxFormatError(`${what} has ${values.length} values for its shape ${dims.join('×') || 'scalar'} (${count})`);
  return { name: tensor.name, dataType, dims, values };
}

function fromRaw(raw: Uint8Array, dataType: OnnxDataType, count: number, what: string): OnnxTensor['values'] {
  const size = SIZES[dataType];
  if (raw.byteLength !== count * size) throw new OnnxFormatError(`${what} has ${raw.byteLength} bytes of data for ${count} values of ${size} bytes`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const values = Array.from({ length: count }, (_, i) => readValue(view, i * size, dataType));
  if (dataType === 'float') return Float32Array.from(values);
  return dataType === 'double' ? Float64Array.from(values) : values;
}

function fromFields(tensor: InstanceType<typeof onnx.TensorProto>, dataType: OnnxDataType): OnnxTensor['values'] {
  switch (dataType) {
    case 'float':
      return Float32Array.from(tensor.floatData);
    case 'double':
      return Float64Array.from(tensor.doubleData);
    case 'int64':
      return tensor.int64Data.map(toNumber);
    default:
      // int32, int16, uint16, int8, uint8 and bool are all kept in int32_data.
      return [...tensor.int32Data];
  }
}

/** int64 values that are shapes, axes and pads; ±2^63 − 1 (PyTorch's "to the end") is kept as ±Infinity. */
function safeInteger(value: bigint): number {
  if (value >= BigInt(Number.MAX_SAFE_INTEGER)) return Infinity;
  if (value <= BigInt(Number.MIN_SAFE_INTEGER)) return -Infinity;
  return Number(value);
}

function decodeValueInfo(info: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const tensorType = info.type?.tensorType;
  const dataType = tensorType ? (DATA_TYPE_NAMES.get(tensorType.elemType ?? 0) ?? 'other') : 'other';
  const shape = tensorType?.shape ? (tensorType.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : '?')) : null;
  return { name: info.name ?? '', dataType, shape };
}

function toNumber(value: number | Long | null | undefined): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  const n = value.toNumber();
  // Long's toNumber rounds beyond 2^53; the ends of the range mean "to the end" (Slice).
  if (n >= Number.MAX_SAFE_INTEGER) return Infinity;
  if (n <= Number.MIN_SAFE_INTEGER) return -Infinity;
  return n;
}
