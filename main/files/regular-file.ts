/**
 * Reading files that may be anything: a path from the page, a file named on the command line, a
 * file inside a run or data set folder. Only regular files are read. A FIFO blocks `open` until
 * someone writes to it (for ever, and it holds one of libuv's four file-system threads meanwhile),
 * a device such as /dev/zero never ends, a socket cannot be opened at all: each is refused by its
 * type, named in words, before it is opened.
 *
 * The type is checked twice: with `stat` before opening (opening some devices has effects of its
 * own), and with `fstat` on the opened handle, in case the path was swapped in between. The open
 * itself is non-blocking, so a FIFO swapped in at that moment cannot block it either.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StudioError } from '../errors.ts';
import { describeFsError } from './fs-errors.ts';

/**
 * A path that names something other than a regular file. Like Node's own errors, the message
 * ("it is a FIFO (named pipe), not a regular file") leaves the path to the caller's sentence
 * ("cannot read <path>: …"); `path` holds it.
 */
export class NotRegularFileError extends StudioError {
  override name = 'NotRegularFileError';
  /** Node's style of code, so callers that switch on `code` can tell it apart. */
  readonly code = 'ENOTREGULAR';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A regular file larger than the caller reads; the message, like NotRegularFileError's, leaves out the path. */
export class FileTooLargeError extends StudioError {
  override name = 'FileTooLargeError';
  readonly code = 'EFBIG';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a file-system entry (its Stats or its Dirent) is, for messages: "a folder", "a FIFO (named pipe)", … */
export function describeFileType(info: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Throws NotRegularFileError, saying what `path` is instead, unless `info` is a regular file. */
export function requireRegularFile(path: string, info: Stats): void {
  if (info.isDirectory()) throw new NotRegularFileError(path, 'it is a folder, not a file');
  if (!info.isFile()) throw new NotRegularFileError(path, `it is ${describeFileType(info)}, not a regular file`);
}

/** Whether `path` (following symbolic links) is a regular file; throws the file system's error when it does not exist. */
export async function checkRegularFile(path: string): Promise<Stats> {
  const info = await stat(path);
  requireRegularFile(path, info);
  return info;
}

/** On Windows there is no O_NONBLOCK (nor FIFOs in the file system); there it is 0. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface ReadOptions {
  /** Refuse files larger than this many bytes, before reading them. */
  maxBytes?: number;
  /** How the size limit is named in the message, e.g. "model files". */
  limitName?: string;
}

/**
 * The bytes of the regular file at `path`. Throws NotRegularFileError for anything else,
 * FileTooLargeError above `maxBytes`, and the file system's own error (ENOENT, EACCES…) otherwise.
 */
export async function readRegularFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
  checkSize(path, await checkRegularFile(path), options);
  const handle = await open(path, OPEN_FLAGS);
  try {
    const info = await handle.stat();
    requireRegularFile(path, info);
    checkSize(path, info, options);
    if (options.maxBytes === undefined) return await handle.readFile();
    // Read no further than the limit even when the size stat gave was wrong (files in /proc say
    // 0) or the file grows while it is read.
    const limit = options.maxBytes;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(Math.min(1 << 20, limit + 1 - total)) });
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new FileTooLargeError(path, `the file is larger than ${formatBytes(limit)}; ${options.limitName ?? 'files'} above ${formatBytes(limit)} are refused`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function checkSize(path: string, info: Stats, options: ReadOptions): void {
  if (options.maxBytes === undefined || info.size <= options.maxBytes) return;
  throw new FileTooLargeError(path, `the file is ${formatBytes(info.size)}; ${options.limitName ?? 'files'} above ${formatBytes(options.maxBytes)} are refused`);
}

/** Whole MiB for the limits we set; bytes below one MiB. */
function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MiB` : `${bytes} bytes`;
}

/** A file that could not be read; the message names it and says why, in words. */
export class FileReadError extends StudioError {
  override name = 'FileReadError';
  constructor(
    message: string,
    /** The file system's code (ENOENT, ENOTREGULAR, EFBIG…). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** readRegularFile, with every failure a FileReadError: "cannot read <path>: it is a FIFO (named pipe), not a regular file". */
export async function readNamedFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
  try {
    return await readRegularFile(path, options);
  } catch (error) {
    throw new FileReadError(`cannot read ${path}: ${describeFsError(error)}`, (error as NodeJS.ErrnoException).code);
  }
}
