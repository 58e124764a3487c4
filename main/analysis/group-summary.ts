/**
 * The figures of a group of blocks drawn as one card: what comes out of it (the output shape and
 * receptive field at the block whose output leaves the group) and what it costs (parameters,
 * MACs, activations summed over its blocks).
 */
import type { GraphDocument } from '../graph/types.ts';
import type { GraphAnalysis, ParamCount, ReceptiveField, Shape } from './types.ts';

export interface GroupSummary {
  /** The member whose output leaves the group (the last in evaluation order when none or several do). */
  exit: string | null;
  outputShape: Shape | null;
  receptiveField: ReceptiveField | null;
  params: ParamCount;
  macs: number;
  /** Members the analysis could not resolve: the sums are lower bounds while there are any. */
  unresolved: string[];
}

export function summarizeGroup(graph: GraphDocument, analysis: GraphAnalysis, members: readonly string[]): GroupSummary {
  const inside = new Set(members);
  const leaving = [...new Set(graph.edges.filter((e) => inside.has(e.source) && !inside.has(e.target)).map((e) => e.source))];
  const inOrder = analysis.order.filter((id) => inside.has(id));
  const exit = leaving.length === 1 ? leaving[0]! : (inOrder.at(-1) ?? null);
  const params = { trainable: 0, nonTrainable: 0 };
  let macs = 0;
  const unresolved: string[] = [];
  for (const id of inOrder) {
    const node = analysis.nodes[id]!;
    params.trainable += node.params.trainable;
    params.nonTrainable += node.params.nonTrainable;
    macs += node.macs;
    if (node.outputShape === null) unresolved.push(id);
  }
  const result = exit ? analysis.nodes[exit] : undefined;
  return { exit, outputShape: result?.outputShape ?? null, receptiveField: result?.receptiveField ?? null, params, macs, unresolved };
}
