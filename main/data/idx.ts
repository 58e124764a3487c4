/**
 * The IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST): a big-endian
 * header of two zero bytes, a type code and the number of dimensions, then each dimension's size
 * as a 32-bit integer, then the values. See http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS").
 */
import { StudioError } from '../errors.ts';

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

/** Parses IDX bytes; `what` names the file in error messages. */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(`${what} is not an IDX file (it does not start with two zero bytes)`);
  }
  const type = TYPES[bytes[2]!];
  if (!type) throw new IdxFormatError(`${what} has an unknown IDX value type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new IdxFormatError(`${what} has a truncated IDX header`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    throw new IdxFormatError(`${what} should hold ${expected} bytes for dimensions ${dims.join('×')} of ${type.name}s but holds ${bytes.length}`);
  }
  return { dims, values: readValues(view, bytes, headerBytes, count, bytes[2]!) };
}

function readValues(view: DataView, bytes: Uint8Array, offset: number, count: number, code: number): IdxValues {
  switch (code) {
    case 0x08:
      return bytes.slice(offset, offset + count);
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
