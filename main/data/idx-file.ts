/**
 * Reading one IDX file from disk, plain or gzipped, within a byte budget. The header's declared
 * dimensions are checked against the budget before the values are allocated: for a plain file
 * they must match its size; a gzipped one is inflated as a stream, its header read from the first
 * bytes out, and inflating stops as soon as the output passes what the header declares, so a
 * small .gz that would inflate to gigabytes costs no more than the budget allows.
 */
import { createGunzip } from 'node:zlib';
import { describeBytes, MAX_DATASET_BYTES } from './decode-limits.ts';
import { checkIdxSize, IdxFormatError, parseIdx, readIdxHeader, type IdxArray } from './idx.ts';
import { DataFileError, readDataFile } from './read-data-file.ts';

/** An IDX header declares at most 255 dimensions of 4 bytes each after 4 bytes of magic. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Reads the IDX file at `path`, whose values may take at most `budget` bytes (what is left of
 * MAX_DATASET_BYTES for the dataset it belongs to). Every error names the file.
 */
export async function readIdxFile(path: string, budget = MAX_DATASET_BYTES): Promise<IdxArray> {
  const limitText = budget === MAX_DATASET_BYTES ? `the limit of ${describeBytes(MAX_DATASET_BYTES)} for a dataset` : `the ${describeBytes(budget)} left of the ${describeBytes(MAX_DATASET_BYTES)} limit for a dataset`;
  let bytes: Uint8Array;
  try {
    bytes = await readDataFile(path, MAX_DATASET_BYTES + MAX_HEADER_BYTES);
  } catch (error) {
    if (error instanceof DataFileError) throw new IdxFormatError(`${path}: ${error.message}`);
    throw error;
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await gunzipIdx(bytes, path, budget, limitText);
  } else {
    const header = readIdxHeader(bytes, path);
    if (header) checkIdxSize(header, path, budget, limitText);
  }
  return parseIdx(bytes, path);
}

/**
 * Inflates gzipped IDX bytes into one buffer of the size the header declares, refusing the header
 * if it declares more than `budget`, and the data if it inflates past the header's size.
 */
function gunzipIdx(compressed: Uint8Array, path: string, budget: number, limitText: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    let settled = false;
    let head = Buffer.alloc(0);
    let out: Uint8Array | undefined;
    let filled = 0;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      try {
        if (!out) {
          head = Buffer.concat([head, chunk]);
          const header = readIdxHeader(head, path);
          if (!header) return;
          checkIdxSize(header, path, budget, limitText);
          out = new Uint8Array(header.headerBytes + header.valueBytes);
          chunk = head;
        }
        if (filled + chunk.length > out.length) {
          throw new IdxFormatError(`${path} inflates to more than the ${describeBytes(out.length)} its IDX header declares`);
        }
        out.set(chunk, filled);
        filled += chunk.length;
      } catch (error) {
        fail(error as Error);
      }
    });
    gunzip.on('error', (error) => fail(new IdxFormatError(`${path} does not decompress (${error.message}): the gzip file is damaged or cut short`)));
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      // parseIdx then says what is wrong with a header or values that end early.
      resolve(out ? out.subarray(0, filled) : head);
    });
    gunzip.end(compressed);
  });
}
