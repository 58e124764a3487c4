/** `cnn-studio import <keras.json> [--out graph.json]`: a Keras or TensorFlow.js topology as a CNN Studio graph. */
import { describeError } from '../errors.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { writeGraphFile } from '../files/write-graph-file.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export async function runImport(file: string, options: { out?: string }, io: Output): Promise<number> {
  const read = await readGraphFile(file);
  if (!read.ok) {
    for (const problem of read.problems) io.err(`error: ${problem}`);
    return EXIT_UNREADABLE;
  }
  for (const note of read.notes) io.err(`note: ${note}`);
  if (!options.out) {
    io.out(JSON.stringify(read.graph, null, 2));
    return EXIT_OK;
  }
  try {
    await writeGraphFile(options.out, read.graph);
  } catch (error) {
    io.err(`error: cannot write ${options.out}: ${describeError(error)}`);
    return EXIT_UNREADABLE;
  }
  io.err(`Wrote ${options.out}: ${read.graph.nodes.length} blocks, laid out for the editor`);
  return EXIT_OK;
}
