/**
 * Reading one dataset file (an image, an IDX file) whole, after checking what it is: a regular
 * file no larger than the caller's limit. It is opened without blocking, so a FIFO or a device in
 * a dataset folder is refused by its type instead of hanging the read.
 */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { StudioError } from '../errors.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { describeBytes } from './decode-limits.ts';

/** Why a dataset file was not read, in words that do not repeat its path (the caller names it). */
export class DataFileError extends StudioError {
  override name = 'DataFileError';
}

/** "a FIFO", "a folder", …: what a path that is not a regular file is. */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/**
 * The bytes of the regular file at `path` (following links); throws DataFileError when it cannot
 * be opened, is not a regular file, or holds more than `maxBytes`.
 */
export async function readDataFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    throw new DataFileError(`cannot open it: ${describeFsError(error)}`);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new DataFileError(`it is ${describeFileType(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw new DataFileError(`it holds ${describeBytes(stats.size)}, over the limit of ${describeBytes(maxBytes)}`);
    return await handle.readFile();
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(`cannot read it: ${describeFsError(error)}`);
  } finally {
    await handle.close();
  }
}
