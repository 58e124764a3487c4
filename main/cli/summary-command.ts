/** `cnn-studio summary <file>`: exit 0 for a valid graph, 1 for an invalid one, 2 for an unreadable file. */
import { analyzeGraph } from '../analysis/analyze.ts';
import { summarize } from '../analysis/summary.ts';
import { renderSummary } from './print-summary.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { EXIT_INVALID_GRAPH, EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';


export async function runSummary(file: string, options: { json?: boolean }, io: Output): Promise<number> {
  const read = await readGraphFile(file);
  if (!read.ok) {
    for (const problem of read.problems) io.err(`error: ${problem}`);
    return EXIT_UNREADABLE;
  }
  for (const note of read.notes) io.err(`note: ${note}`);
  const summary = summarize(read.graph, analyzeGraph(read.graph));
  io.out(options.json ? JSON.stringify(summary, null, 2) : renderSummary(summary));
  return summary.valid ? EXIT_OK : EXIT_INVALID_GRAPH;
}
