/**
 * Reading a model file named on the command line: a CNN Studio graph, a Keras `model.to_json()`
 * topology or a TensorFlow.js `model.json`. Problems come back as lines to print, never as throws.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseGraphDocument } from '../graph/load.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importKerasTopology, looksLikeKerasTopology } from '../import/keras.ts';

export type ReadResult =
  | { ok: true; graph: GraphDocument; notes: string[] }
  | { ok: false; problems: string[] };

/** Large enough for any real graph; refuses a mistaken multi-gigabyte file before reading it. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export async function readGraphFile(path: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readLimited(path);
  } catch (error) {
    return { ok: false, problems: [`cannot read ${path}: ${describeFsError(error)}`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${path} is not valid JSON: ${(error as Error).message}`] };
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

async function readLimited(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  if (info.size > MAX_FILE_BYTES) {
    throw new Error(`the file is ${Math.round(info.size / 1048576)} MiB; model files above ${MAX_FILE_BYTES / 1048576} MiB are refused`);
  }
  return readFile(path, 'utf8');
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return (error as Error).message;
}
