/**
 * output-does-not-cover-input: some input pixels never reach the class scores.
 *
 * Journey: every round's output sees the whole 28×28 image (rounds 2–7, 9, 10 exactly 28×28,
 * round 1 and 8 more, thanks to padding). Flatten and global pooling let the output see every
 * position of the last map, so what remains uncovered is what a stride or an odd-sized pooling
 * window left behind: the rows and columns at the edge that no window reaches. The note names the
 * first block whose windows stop short of the image's edge.
 */
import type { GraphAnalysis, NodeAnalysis, ReceptiveField } from '../../analysis/types.ts';
import { formatPair, plural } from '../format.ts';
import type { GraphRule } from '../types.ts';

type Axis = 0 | 1;

/** Pixels of the image, per axis, left out before and after what a map of `cells` units with `field` covers. */
function missing(field: ReceptiveField, cells: readonly [number, number], image: readonly [number, number]) {
  return ([0, 1] as const).map((axis: Axis) => {
    const first = field.start[axis];
    const last = first + (cells[axis] - 1) * field.jump[axis] + field.size[axis] - 1;
    return { before: Math.max(0, first), after: Math.max(0, image[axis] - 1 - last) };
  });
}

const total = (m: { before: number; after: number }) => m.before + m.after;

export const outputDoesNotCoverInput: GraphRule = (_graph, analysis) => {
  const input = analysis.inputShape;
  const field = analysis.receptiveField;
  if (!field || input?.length !== 3) return [];
  const image: [number, number] = [input[0]!, input[1]!];
  const [rows, cols] = missing(field, [1, 1], image);
  if (total(rows!) === 0 && total(cols!) === 0) return [];

  const seen: [number, number] = [image[0] - total(rows!), image[1] - total(cols!)];
  const sees = `The output sees only ${formatPair(seen)} of the ${formatPair(image)} input pixels`;
  const culprit = firstShortBlock(analysis, image);
  if (!culprit) {
    return [{ rule: 'output-does-not-cover-input', severity: 'info', title: 'Output misses part of the image', message: `${sees}; check the strides and pooling windows on the way to the output.` }];
  }
  const from = culprit.inputShapes[0]!;
  const to = culprit.outputShape!;
  const left = [total(rows!) > 0 ? plural(total(rows!), 'row') : '', total(cols!) > 0 ? plural(total(cols!), 'column') : ''].filter(Boolean).join(' and ');
  return [
    {
      rule: 'output-does-not-cover-input',
      severity: 'info',
      nodeId: culprit.id,
      title: 'Output misses part of the image',
      message:
        `${sees}: ${culprit.id} turns a ${formatPair([from[0]!, from[1]!])} map into ${formatPair([to[0]!, to[1]!])} and its windows leave ${left} at the edge out. ` +
        `Give ${culprit.id} 'same' padding, or change the map size before it so that its windows fit exactly.`,
    },
  ];
};

/** The first block, in evaluation order, whose map no longer covers the whole image. */
function firstShortBlock(analysis: GraphAnalysis, image: readonly [number, number]): NodeAnalysis | undefined {
  for (const id of analysis.order) {
    const node = analysis.nodes[id];
    const shape = node?.outputShape;
    const from = node?.inputShapes[0];
    if (!node?.receptiveField || shape?.length !== 3 || from?.length !== 3) continue;
    const [rows, cols] = missing(node.receptiveField, [shape[0]!, shape[1]!], image);
    if (total(rows!) > 0 || total(cols!) > 0) return node;
  }
  return undefined;
}
