/**
 * first-pool-receptive-field: the first pooling layer sits where the receptive field is far
 * smaller or far larger than the things worth seeing whole before the resolution halves.
 *
 * Journey, rounds 7–8: "the first max-pool belongs where the receptive field has reached the size
 * of the strokes that matter (about 5×5 on MNIST)"; round 7 moves the pool up so that it sits
 * after two 3×3 convolutions (6×6 at the pool). The field is the one the analysis shows at the
 * pool itself; "far" means beyond `objectSizeTolerance` times `objectSize` either way, in either
 * axis. A pool whose output is 1×1 works as global pooling and is not the first pool meant here.
 *
 * Premise, checked against the graph: the images are MNIST's size (28×28), where strokes are about
 * `objectSize` pixels. On images of another size nothing says how large the things that matter
 * are, so the rule says nothing.
 */
import type { GraphAnalysis, ReceptiveField } from '../../analysis/types.ts';
import type { GraphDocument, GraphNode } from '../../graph/types.ts';
import { formatPair, plural } from '../format.ts';
import { chainUpTo, nodesById } from '../graph-walk.ts';
import type { Advice, GraphRule } from '../types.ts';

type Pool = Extract<GraphNode, { type: 'maxPool2d' | 'avgPool2d' }>;

/** The image size objectSize is calibrated on: MNIST's 28×28 (advice/options.ts). */
const CALIBRATED_SIZE = 28;

export const firstPoolReceptiveField: GraphRule = (graph, analysis, options) => {
  const { objectSize, objectSizeTolerance: tolerance } = options;
  if (!(objectSize > 0) || !(tolerance >= 1)) return [];
  const input = analysis.inputShape;
  if (input?.[0] !== CALIBRATED_SIZE || input[1] !== CALIBRATED_SIZE) return [];
  const byId = nodesById(graph);
  const pool = analysis.order
    .map((id) => byId.get(id))
    .find((n): n is Pool => (n?.type === 'maxPool2d' || n?.type === 'avgPool2d') && !isGlobal(analysis.nodes[n.id]?.outputShape));
  const field = pool && analysis.nodes[pool.id]?.receptiveField;
  if (!pool || !field) return [];

  const [h, w] = field.size;
  const tooSmall = Math.min(h, w) * tolerance < objectSize;
  const tooLarge = Math.max(h, w) > objectSize * tolerance;
  if (!tooSmall && !tooLarge) return [];

  const at = `The receptive field at ${pool.id} is ${formatPair(field.size)} pixels`;
  const strokes = `the ${objectSize}×${objectSize}-pixel strokes that matter`;
  const advice: Advice = {
    rule: 'first-pool-receptive-field',
    severity: 'info',
    nodeId: pool.id,
    title: tooSmall ? 'First pool comes too early' : 'First pool comes late',
    message: tooSmall
      ? `${at}, far smaller than ${strokes}, so it lowers the resolution before any stroke is seen whole; ${earlierFix(pool, field, objectSize)}`
      : `${at}, far larger than ${strokes}, so the layers before it run at full resolution for longer than needed; ${laterFix(graph, analysis, pool, objectSize)}`,
  };
  return [advice];
};

function isGlobal(shape: readonly number[] | null | undefined): boolean {
  return shape?.length === 3 && shape[0] === 1 && shape[1] === 1;
}

/** How many 3×3 convolutions in front of the pool bring its field to the stroke size. */
function earlierFix(pool: Pool, field: ReceptiveField, objectSize: number): string {
  const strides = pool.params.strides ?? pool.params.poolSize;
  const growth = ([0, 1] as const).map((axis) => 2 * Math.max(1, field.jump[axis] / strides[axis]));
  const needed = Math.max(1, ...([0, 1] as const).map((axis) => Math.ceil((objectSize - field.size[axis]) / growth[axis]!)));
  const reached: [number, number] = [field.size[0] + needed * growth[0]!, field.size[1] + needed * growth[1]!];
  return (
    `put ${plural(needed, 'more 3×3 convolution')} before it (the field at the pool grows to ${formatPair(reached)}), ` +
    `as the journey's round 7 does.`
  );
}

/** Where on the way to the pool the field first reaches the stroke size, at the end of that block. */
function laterFix(graph: GraphDocument, analysis: GraphAnalysis, pool: Pool, objectSize: number): string {
  const chain = chainUpTo(graph, pool.id).slice(0, -1);
  const sizeOf = (node: GraphNode) => analysis.nodes[node.id]?.receptiveField?.size;
  const first = chain.findIndex((node) => {
    const size = sizeOf(node);
    return size !== undefined && Math.min(...size) >= objectSize;
  });
  if (first >= 0) {
    let end = first;
    const reached = sizeOf(chain[first]!)!;
    while (end + 1 < chain.length && sameSize(sizeOf(chain[end + 1]!), reached)) end += 1;
    if (end < chain.length - 1) {
      return `move it up to just after ${chain[end]!.id}, where the field is ${formatPair(reached)}, as the journey's round 7 does.`;
    }
  }
  const [ph, pw] = pool.params.poolSize;
  if (ph > 2 || pw > 2) {
    return `its ${formatPair(pool.params.poolSize)} window widens the field by itself; use a 2×2 pool, as every round of the journey does.`;
  }
  return `move it up to where the field first reaches ${objectSize}×${objectSize}, as the journey's round 7 does.`;
}

function sameSize(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a[0] === b[0] && a[1] === b[1];
}
