/** `cnn-studio diff <a> <b>`: what changed between two designs (graph files or run folders). */
import { stat } from 'node:fs/promises';
import { analyzeGraph } from '../analysis/analyze.ts';
import { formatCount } from '../analysis/format.ts';
import { describeDiff, diffGraphs, isEmptyDiff } from '../analysis/graph-diff.ts';
import { describeError } from '../errors.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readRunGraph } from '../runs/run-history.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export async function runDiff(before: string, after: string, options: { json?: boolean }, io: Output): Promise<number> {
  let graphs: [GraphDocument, GraphDocument];
  try {
    graphs = [await readDesign(before), await readDesign(after)];
  } catch (error) {
    io.err(`error: ${describeError(error).replace(/^Error: /, '')}`);
    return EXIT_UNREADABLE;
  }
  const diff = diffGraphs(...graphs);
  const params = graphs.map((graph) => analyzeGraph(graph).totals.params.trainable) as [number, number];
  if (options.json) {
    io.out(JSON.stringify({ ...diff, trainableParams: { before: params[0], after: params[1] } }, null, 2));
    return EXIT_OK;
  }
  io.out(isEmptyDiff(diff) ? 'The two designs have the same blocks and connections.' : describeDiff(diff).join('\n'));
  const delta = params[1] - params[0];
  io.out(`Trainable parameters: ${formatCount(params[0])} → ${formatCount(params[1])} (${delta >= 0 ? '+' : ''}${formatCount(delta)})`);
  return EXIT_OK;
}

/** A run folder's graph, or a graph / Keras / TensorFlow.js file. */
async function readDesign(path: string): Promise<GraphDocument> {
  if ((await stat(path).catch(() => null))?.isDirectory()) return readRunGraph(path);
  const read = await readGraphFile(path);
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.graph;
}
