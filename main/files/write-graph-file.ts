/**
 * Saving a graph document: validated first, then written atomically (temporary file, flush,
 * rename), with the version it replaces kept beside it as `<file>.bak`. A file of another format
 * (the Keras model the design was imported from) is never replaced.
 */
import { StudioError } from '../errors.ts';
import { parseGraphDocument } from '../graph/load.ts';
import type { GraphDocument } from '../graph/types.ts';
import { refuseToReplaceForeignFile } from './file-format.ts';
import { writeAtomically } from './write-atomically.ts';

export async function writeGraphFile(path: string, value: unknown): Promise<GraphDocument> {
  const parsed = parseGraphDocument(value);
  if (!parsed.ok) {
    const problem = parsed.problems[0]!;
    throw new StudioError(`not saved: the graph is malformed at ${problem.path || 'the top level'}: ${problem.message}`);
  }
  await refuseToReplaceForeignFile(path);
  await writeAtomically(path, `${JSON.stringify(parsed.graph, null, 2)}\n`, { keepBackup: true });
  return parsed.graph;
}
