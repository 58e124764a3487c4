/**
 * Reading a model file named on the command line or opened in the studio: a CNN Studio graph, a
 * Keras `model.to_json()` topology, a TensorFlow.js `model.json` or an ONNX model (read-onnx-file.ts). Problems come back as lines
 * that name the file and what is wrong with it, never as throws; when the file does not load and
 * a backup of it exists, the result says so.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseGraphDocument } from '../graph/load.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importKerasTopology, looksLikeKerasTopology } from '../import/keras.ts';
import { findBackupFile, type BackupInfo } from './backup.ts';
import { describeFsError } from './fs-errors.ts';
import { hasOnnxExtension, readOnnxFile } from './read-onnx-file.ts';

export type ReadResult =
  | { ok: true; graph: GraphDocument; notes: string[] }
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

async function readWithoutBackup(path: string): Promise<{ ok: true; graph: GraphDocument; notes: string[] } | { ok: false; problems: string[] }> {
  if (hasOnnxExtension(path)) return readOnnxFile(path);
  let text: string;
  try {
    text = await readLimited(path);
  } catch (error) {
    return { ok: false, problems: [`cannot read ${path}: ${describeFsError(error)}`] };
  }
  if (text.trim() === '') return { ok: false, problems: [`${path} is empty`] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${path} is not valid JSON${looksTruncated(text) ? ' (it ends early: the file looks truncated)' : ''}: ${(error as Error).message}`] };
  }
  if (looksLikeKerasTopology(value)) {
    const imported = importKerasTopology(value);
    return imported.ok ? imported : { ok: false, problems: imported.problems.map((p) => `${path}: ${p}`) };
  }
  const loaded = parseGraphDocument(value);
  if (loaded.ok) return { ok: true, graph: loaded.graph, notes: [] };
  return {
    ok: false,
    problems: loaded.problems.map((p) => `${path}: ${p.path ? `${p.path}: ` : ''}${p.message}`),
  };
}

/** A JSON document cut short leaves more brackets opened than closed. */
function looksTruncated(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth > 0 || inString;
}

async function readLimited(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  if (info.size > MAX_GRAPH_FILE_BYTES) {
    throw new Error(`the file is ${Math.round(info.size / 1048576)} MiB; model files above ${MAX_GRAPH_FILE_BYTES / 1048576} MiB are refused`);
  }
  return readFile(path, 'utf8');
}
