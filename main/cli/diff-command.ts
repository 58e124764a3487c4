/** `cnn-studio diff <a> <b>`: what changed between two designs (graph files or run folders). */
import { stat } from 'node:fs/promises';
import { analyzeGraph } from '../analysis/analyze.ts';
import { formatCount, formatTotal } from '../analysis/format.ts';
import type { GraphTotals } from '../analysis/types.ts';
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
  const totals = graphs.map((graph) => analyzeGraph(graph).totals) as [GraphTotals, GraphTotals];
  const params = totals.map((t) => t.params.trainable) as [number, number];
  // A count that leaves unresolved blocks out is a lower bound, and so is no basis for a difference.
  const partial = totals.some((t) => t.unresolved.length > 0);
  if (options.json) {
    const unresolved = partial ? { partial: true, unresolved: { before: totals[0].unresolved, after: totals[1].unresolved } } : {};
    io.out(JSON.stringify({ ...diff, trainableParams: { before: params[0], after: params[1], ...unresolved } }, null, 2));
    return EXIT_OK;
  }
  io.out(isEmptyDiff(diff) ? 'The two designs have the same blocks and connections.' : describeDiff(diff).join('\n'));
  const delta = params[1] - params[0];
  const change = partial ? '' : ` (${delta >= 0 ? '+' : ''}${formatCount(delta)})`;
  io.out(`Trainable parameters: ${formatTotal(params[0], totals[0])} → ${formatTotal(params[1], totals[1])}${change}`);
  return EXIT_OK;
}

/** A run folder's graph, or a graph / Keras / TensorFlow.js file. */
async function readDesign(path: string): Promise<GraphDocument> {
  if ((await stat(path).catch(() => null))?.isDirectory()) return readRunGraph(path);
  const read = await readGraphFile(path);
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.graph;
}
