/**
 * What format a model file on disk is in, so that writing never replaces a file of another kind:
 * saving a design after importing a Keras file must not rewrite that Keras file in the studio's
 * format, and an export must not replace a studio graph.
 */
import { readFile, stat } from 'node:fs/promises';
import { StudioError } from '../errors.ts';
import { looksLikeKerasTopology } from '../import/keras-format.ts';

/** `damaged`: there is a file, but it does not parse (a graph cut short by a crash, say). */
export type FileFormat = 'absent' | 'cnn-studio' | 'keras' | 'tfjs' | 'other-json' | 'damaged';

/** Reading more than this to sniff a file is pointless; a larger file is treated as not ours. */
const SNIFF_LIMIT_BYTES = 64 * 1024 * 1024;

/** The format of a parsed JSON document. */
export function formatOfDocument(value: unknown): Exclude<FileFormat, 'absent' | 'damaged'> {
  if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'cnn-studio/graph') return 'cnn-studio';
  if (looksLikeKerasTopology(value)) return typeof (value as { modelTopology?: unknown }).modelTopology === 'object' ? 'tfjs' : 'keras';
  return 'other-json';
}

export async function formatOfFile(path: string): Promise<FileFormat> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return 'other-json';
    size = info.size;
  } catch {
    return 'absent';
  }
  if (size > SNIFF_LIMIT_BYTES) return 'other-json';
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return 'damaged';
  }
  return formatOfDocument(value);
}

const DESCRIPTION: Record<'keras' | 'tfjs' | 'other-json', string> = {
  keras: 'a Keras model file',
  tfjs: 'a TensorFlow.js model file',
  'other-json': 'not a CNN Studio graph',
};

/**
 * Refuses to save a graph over a file of another format. A damaged file may be replaced: it is the
 * studio's own graph cut short, and its backup offer is how the user got here.
 */
export async function refuseToReplaceForeignFile(path: string): Promise<void> {
  const format = await formatOfFile(path);
  if (format === 'keras' || format === 'tfjs' || format === 'other-json') {
    throw new StudioError(`not saved: ${path} is ${DESCRIPTION[format]}, which a save never overwrites; save the design under another name`);
  }
}

/** Refuses to write an export over a CNN Studio graph (a Keras JSON export named like the design's own file). */
export async function refuseToReplaceGraph(path: string): Promise<void> {
  if ((await formatOfFile(path)) === 'cnn-studio') {
    throw new StudioError(`not exported: ${path} is a CNN Studio graph, which an export never overwrites; export under another name`);
  }
}
