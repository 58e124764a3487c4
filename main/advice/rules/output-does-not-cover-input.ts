/**
 * output-does-not-cover-input: some input pixels never reach the class scores.
 *
 * Journey: every round's output sees the whole 28×28 image (rounds 2–7, 9, 10 exactly 28×28,
 * round 1 and 8 more, thanks to padding). Flatten and global pooling let the output see every
 * position of the last map, so what remains unseen is what a window left unread on the way: the
 * rows and columns at an edge that no window reaches, and those between windows whose stride is
 * larger than their span. The count is the analysis' exact coverage (analysis/coverage.ts), the
 * one the summary and the header show; the note names the first block, in evaluation order, whose
 * windows leave part of the map they read unread.
 */
import { describeCoverage, unreadByWindows, type UnreadAxis } from '../../analysis/coverage.ts';
import type { GraphAnalysis } from '../../analysis/types.ts';
import type { GraphDocument, GraphNode } from '../../graph/types.ts';
import { formatPair, plural } from '../format.ts';
import type { GraphRule } from '../types.ts';

export const outputDoesNotCoverInput: GraphRule = (graph, analysis) => {
  const coverage = analysis.coverage;
  if (!coverage || coverage.seen === coverage.total) return [];
  const title = 'Output misses part of the image';
  const misses = `The output ${describeCoverage(coverage)}`;
  const culprit = firstShortBlock(graph, analysis);
  if (!culprit) {
    return [{ rule: 'output-does-not-cover-input', severity: 'info', title, message: `${misses}; check the strides and pooling windows on the way to the output.` }];
  }
  const { node, unread } = culprit;
  const from = analysis.nodes[node.id]!.inputShapes[0]!;
  const to = analysis.nodes[node.id]!.outputShape!;
  const [rows, cols] = unread;
  const edge = both(rows.before + rows.after, cols.before + cols.after);
  const between = both(rows.between, cols.between);
  const left = [edge ? `${edge} at the edge` : '', between ? `${between} between its windows` : ''].filter(Boolean).join(' and ');
  const fixes = [
    // 'same' padding already reaches both edges; then only the gaps can be at fault.
    edge && !hasSamePadding(node)
      ? `give ${node.id} 'same' padding, or change the map size before it so that its windows fit exactly`
      : '',
    between ? `make ${node.id}'s window at least as large as its stride` : '',
  ].filter(Boolean);
  const fix = fixes.length > 0 ? ` ${capitalise(fixes.join('; '))}.` : '';
  return [
    {
      rule: 'output-does-not-cover-input',
      severity: 'info',
      nodeId: node.id,
      title,
      message: `${misses}: ${node.id} turns a ${formatPair([from[0]!, from[1]!])} map into ${formatPair([to[0]!, to[1]!])} and its windows leave ${left} unread.${fix}`,
    },
  ];
};

/** `1 row and 2 columns`, `3 rows`, or empty. */
function both(rows: number, cols: number): string {
  return [rows > 0 ? plural(rows, 'row') : '', cols > 0 ? plural(cols, 'column') : ''].filter(Boolean).join(' and ');
}

function hasSamePadding(node: GraphNode): boolean {
  return 'padding' in node.params && node.params.padding === 'same';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The first block, in evaluation order and on the way to the output, whose windows leave part of its input map unread. */
function firstShortBlock(graph: GraphDocument, analysis: GraphAnalysis): { node: GraphNode; unread: [UnreadAxis, UnreadAxis] } | undefined {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const upstream = ancestorsOfOutput(graph);
  for (const id of analysis.order) {
    const node = byId.get(id);
    const input = analysis.nodes[id]?.inputShapes[0];
    if (!node || !input || !upstream.has(id) || analysis.nodes[id]?.outputShape == null) continue;
    const unread = unreadByWindows(node, input);
    if (unread && unread.some((axis) => axis.before + axis.after + axis.between > 0)) return { node, unread };
  }
  return undefined;
}

function ancestorsOfOutput(graph: GraphDocument): Set<string> {
  const sources = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) sources.get(edge.target)?.push(edge.source);
  const found = new Set<string>();
  const stack = graph.nodes.filter((node) => node.type === 'output').map((node) => node.id);
  while (stack.length > 0) {
    for (const source of sources.get(stack.pop()!) ?? []) {
      if (!found.has(source)) {
        found.add(source);
        stack.push(source);
      }
    }
  }
  return found;
}
