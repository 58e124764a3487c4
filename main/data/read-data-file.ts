/**
 * Reading one dataset file (an image, an IDX file) whole, after checking what it is: a regular
 * file no larger than the caller's limit (files/regular-file.ts: refused by type before it is
 * opened, so a FIFO or a device in a dataset folder cannot hang the read).
 */
import { describeFsError } from '../files/fs-errors.ts';
import { FileTooLargeError, readRegularFile } from '../files/regular-file.ts';
import { StudioError } from '../errors.ts';
import { describeBytes } from './decode-limits.ts';

/** Why a dataset file was not read, in words that do not repeat its path (the caller names it). */
export class DataFileError extends StudioError {
  override name = 'DataFileError';
}

/**
 * The bytes of the regular file at `path` (following links); throws DataFileError when it cannot
 * be opened, is not a regular file, or holds more than `maxBytes`.
 */
export async function readDataFile(path: string, maxBytes: number): Promise<Buffer> {
  try {
    return await readRegularFile(path, { maxBytes });
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new DataFileError(`it holds more than the limit of ${describeBytes(maxBytes)}`);
    throw new DataFileError(`cannot read it: ${describeFsError(error)}`);
  }
}
