/** Saving a graph document: validated first, then written atomically (temporary file, flush, rename). */
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { parseGraphDocument } from '../graph/load.ts';
import type { GraphDocument } from '../graph/types.ts';

export async function writeGraphFile(path: string, value: unknown): Promise<GraphDocument> {
  const parsed = parseGraphDocument(value);
  if (!parsed.ok) {
    const problem = parsed.problems[0]!;
    throw new StudioError(`not saved: the graph is malformed at ${problem.path || 'the top level'}: ${problem.message}`);
  }
  await writeAtomically(path, `${JSON.stringify(parsed.graph, null, 2)}\n`);
  return parsed.graph;
}

/** A crash mid-save leaves either the old file or the new one, never half of each. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
