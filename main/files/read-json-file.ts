/** Reading a JSON file that may be anything: only a regular file is opened, and every problem is one line naming it. */
import { parseJsonBytes } from '../graph/json-text.ts';
import { FileReadError, readNamedFile, type ReadOptions } from './regular-file.ts';

/** No JSON file the studio reads by itself (run records, settings, model topologies) comes near this. */
export const MAX_JSON_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The JSON value in the regular file at `path`. Throws a FileReadError, in one line naming the
 * file and never quoting it: `code` is the file system's (ENOENT…) when it could not be read at
 * all, undefined when it was read but is not JSON.
 */
export async function readJsonFile(path: string, options: ReadOptions = {}): Promise<unknown> {
  const parsed = parseJsonBytes(await readNamedFile(path, { maxBytes: MAX_JSON_FILE_BYTES, limitName: 'JSON files', ...options }), path);
  if (!parsed.ok) throw new FileReadError(parsed.problem);
  return parsed.value;
}
