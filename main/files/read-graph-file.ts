/**
 * Reading a model file named on the command line or opened in the studio: a CNN Studio graph, a
 * Keras `model.to_json()` topology or a TensorFlow.js `model.json`. Problems come back as lines
 * that name the file and what is wrong with it, never as throws and never quoting the file's text
 * (json-text.ts); when the file does not load and a backup of it exists, the result says so.
 */
import { parseGraphDocument } from '../graph/load.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importKerasTopology } from '../import/keras.ts';
import { formatOfDocument } from './file-format.ts';
import { findBackupFile, type BackupInfo } from './backup.ts';
import { describeFsError } from './fs-errors.ts';
import { parseJsonBytes } from '../graph/json-text.ts';
import { readRegularFile } from './regular-file.ts';

/** The format a design was read from: the studio's own, or a model it was imported from. */
export type ModelFormat = 'cnn-studio' | 'keras' | 'tfjs';

export type ReadResult =
  | { ok: true; graph: GraphDocument; notes: string[]; format: ModelFormat }
  | { ok: false; problems: string[]; backup: BackupInfo | null };

/** Large enough for any real graph; refuses a mistaken multi-gigabyte file before reading it. */
export const MAX_GRAPH_FILE_BYTES = 64 * 1024 * 1024;

export async function readGraphFile(path: string): Promise<ReadResult> {
  const read = await readWithoutBackup(path);
  if (read.ok) return read;
  const backup = await findBackupFile(path);
  const offer = backup ? [`a backup saved ${backup.modified.replace('T', ' ').slice(0, 19)} UTC is in ${backup.path}`] : [];
  return { ok: false, problems: [...read.problems, ...offer], backup };
}

async function readWithoutBackup(path: string): Promise<Extract<ReadResult, { ok: true }> | { ok: false; problems: string[] }> {
  let bytes: Buffer;
  try {
    // A FIFO, a socket or a device (/dev/zero) is refused by its type before it is opened.
    bytes = await readRegularFile(path, { maxBytes: MAX_GRAPH_FILE_BYTES, limitName: 'model files' });
  } catch (error) {
    return { ok: false, problems: [`cannot read ${path}: ${describeFsError(error)}`] };
  }
  const json = parseJsonBytes(bytes, path);
  if (!json.ok) return { ok: false, problems: [json.problem] };
  const value = json.value;
  const format = formatOfDocument(value);
  if (format === 'keras' || format === 'tfjs') {
    const imported = importKerasTopology(value);
    return imported.ok ? { ...imported, format } : { ok: false, problems: imported.problems.map((p) => `${path}: ${p}`) };
  }
  const loaded = parseGraphDocument(value);
  if (loaded.ok) return { ok: true, graph: loaded.graph, notes: [], format: 'cnn-studio' };
  return {
    ok: false,
    problems: loaded.problems.map((p) => `${path}: ${p.path ? `${p.path}: ` : ''}${p.message}`),
  };
}
