/**
 * NumPy's .npz files: a zip archive of .npy arrays, which `numpy.load` reads with nothing else
 * installed. The .npy layout is NumPy's format version 1.0 (numpy/lib/format.py): the magic
 * "\x93NUMPY", the version, a little-endian header length, a Python dict literal giving the
 * element type, order and shape, padded with spaces to a multiple of 64 bytes, then the values.
 * The archive is written by fflate, stored without compression (weights barely compress).
 */
import { zipSync } from 'fflate';

export interface NpyArray {
  /** '<f4' float32, '<i8' int64, '<u1' uint8 (little-endian). */
  dtype: '<f4' | '<i8' | '<u1';
  shape: number[];
  values: ArrayLike<number>;
}

const MAGIC = [0x93, ...new TextEncoder().encode('NUMPY')];

/** One array as the bytes of a .npy file. */
export function npyBytes(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.values.length) throw new Error(`${array.values.length} values for the shape (${array.shape.join(', ')})`);
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const size = array.dtype === '<f4' ? 4 : array.dtype === '<i8' ? 8 : 1;
  const start = MAGIC.length + 4 + header.length;
  const bytes = new Uint8Array(start + count * size);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // format version 1.0
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  const view = new DataView(bytes.buffer, start);
  for (let i = 0; i < count; i++) {
    const value = array.values[i]!;
    if (array.dtype === '<f4') view.setFloat32(i * 4, value, true);
    else if (array.dtype === '<i8') view.setBigInt64(i * 8, BigInt(value), true);
    else view.setUint8(i, value);
  }
  return bytes;
}

/** The arrays as a .npz archive; `numpy.load(path)[name]` gives each back. */
export function npzBytes(arrays: ReadonlyMap<string, NpyArray>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [name, array] of arrays) files[`${name}.npy`] = [npyBytes(array), { level: 0 }];
  // A fixed time keeps the archive the same from one export to the next.
  return zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') });
}
