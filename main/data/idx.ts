/**
 * The IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST): a big-endian
 * header of two zero bytes, a type code and the number of dimensions, then each dimension's size
 * as a 32-bit integer, then the values. See http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS").
 */
import { StudioError } from '../errors.ts';
import { DecodeLimitError, describeBytes } from './decode-limits.ts';

export class IdxFormatError extends StudioError {
  override name = 'IdxFormatError';
}

type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dims: number[];
  values: IdxValues;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'unsigned byte', bytes: 1 },
  0x09: { name: 'signed byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
};

export interface IdxHeader {
  /** The type code (0x08 unsigned byte, …). */
  code: number;
  typeName: string;
  dims: number[];
  headerBytes: number;
  /** What the dimensions declare the values take: product of dims × bytes per value. */
  valueBytes: number;
}

/**
 * The header at the start of `bytes`, or undefined when `bytes` stops before its end (a stream
 * that has not delivered it yet); throws IdxFormatError for a header that is not IDX. `what`
 * names the file in messages.
 */
export function readIdxHeader(bytes: Uint8Array, what: string): IdxHeader | undefined {
  if (bytes.length >= 2 && (bytes[0] !== 0 || bytes[1] !== 0)) {
    throw new IdxFormatError(`${what} is not an IDX file (it does not start with two zero bytes)`);
  }
  if (bytes.length < 4) return undefined;
  const type = TYPES[bytes[2]!];
  if (!type) throw new IdxFormatError(`${what} has an unknown IDX value type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (rank === 0) throw new IdxFormatError(`${what} has an IDX header of no dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const valueBytes = dims.reduce((a, b) => a * b, 1) * type.bytes;
  return { code: bytes[2]!, typeName: type.name, dims, headerBytes, valueBytes };
}

/** "60000×28×28 unsigned bytes (44.9 MiB (47,040,000 bytes))": what a header declares, for messages. */
export function describeIdxHeader(header: IdxHeader): string {
  return `${header.dims.join('×')} ${header.typeName}s (${describeBytes(header.valueBytes)})`;
}

/**
 * Refuses a header that declares more than `limit` bytes of values, before anything is allocated
 * for them. `limitText` says what the limit is, for the message.
 */
export function checkIdxSize(header: IdxHeader, what: string, limit: number, limitText: string): void {
  if (header.valueBytes > limit) {
    throw new DecodeLimitError(`${what} declares ${describeIdxHeader(header)}, over ${limitText}`);
  }
}

/** Parses IDX bytes; `what` names the file in error messages. */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  const header = readIdxHeader(bytes, what);
  if (!header) throw new IdxFormatError(`${what} has a truncated IDX header`);
  const expected = header.headerBytes + header.valueBytes;
  if (bytes.length !== expected) {
    throw new IdxFormatError(`${what} should hold ${expected} bytes for dimensions ${header.dims.join('×')} of ${header.typeName}s but holds ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = header.valueBytes / TYPES[header.code]!.bytes;
  return { dims: header.dims, values: readValues(view, bytes, header.headerBytes, count, header.code) };
}

function readValues(view: DataView, bytes: Uint8Array, offset: number, count: number, code: number): IdxValues {
  switch (code) {
    case 0x08:
      // A view, not a copy: the file's bytes are already ours, and a copy would double the peak.
      return bytes.subarray(offset, offset + count);
    case 0x09:
      return new Int8Array(bytes.slice(offset, offset + count).buffer);
    case 0x0b:
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 0x0c:
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 0x0d:
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    default:
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
  }
}
