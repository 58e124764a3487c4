/**
 * Every PyTorch export run in real PyTorch (Debian's python3-torch, one Python process for all):
 * the journey's ten rounds, the classic presets, hand-made branches and merges, the conv and
 * pooling padding grids and seeded random graphs. Each module gets the weights of the studio's
 * compiled TensorFlow.js model (torch-port.ts) and must compute what tfjs computes on the cpu
 * backend for the same batch, in inference mode and, where it has BatchNorm and no Dropout, in
 * training mode with the running statistics after it; its own __main__ self-check must pass, its
 * trainable count must be the studio's (and torchsummary's published one), and every value
 * `forward` assigns must have the shape the analysis gives the block, channels first.
 *
 * Without torch the file is skipped with one line saying how to get it, except in CI (CI=true),
 * where that fails.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelsFirst } from '../../main/export/export-plan.ts';
import { seededRandom } from '../../main/data/random.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { GET_TORCH, hasPyTorch, runInPyTorch, TORCH_REQUIRED, type TorchResult } from '../support/real-pytorch.ts';
import { randomGraph } from '../support/random-graph.ts';
import { convPaddingGrid, exportable, HAND_MADE, poolPaddingGrid, PRESETS } from './export-graphs.ts';
import { portGraph, type PortedGraph } from './torch-port.ts';

/** Largest difference allowed, relative to the output's scale (1 for probabilities). */
const TOLERANCE = 1e-5;
const RANDOM_GRAPHS = 60;

const RUN = hasPyTorch();
if (!RUN && !TORCH_REQUIRED) console.warn(`skipping the real-PyTorch export checks: ${GET_TORCH}`);

describe.runIf(!RUN && TORCH_REQUIRED)('PyTorch in CI', () => {
  it('is installed, so that the exports run in real PyTorch', () => {
    throw new Error(GET_TORCH);
  });
});

describe.runIf(RUN)('PyTorch exports run in real PyTorch', () => {
  type Case = { label: string; graph: GraphDocument };
  const groups: Record<'presets' | 'handMade' | 'convGrid' | 'poolGrid' | 'random', Case[]> = { presets: [], handMade: [], convGrid: [], poolGrid: [], random: [] };
  const ported = new Map<string, PortedGraph>();
  const results = new Map<string, TorchResult>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const random = seededRandom(20261202);
    groups.presets = PRESETS.map(({ label, graph }) => ({ label, graph }));
    groups.handMade = HAND_MADE;
    groups.convGrid = exportable(convPaddingGrid()).map((c) => ({ label: `conv ${JSON.stringify({ ...c, graph: undefined })}`, graph: c.graph }));
    groups.poolGrid = exportable(poolPaddingGrid()).map((c) => ({ label: `pool ${JSON.stringify({ ...c, graph: undefined })}`, graph: c.graph }));
    groups.random = Array.from({ length: RANDOM_GRAPHS }, (_, i) => ({ label: `random graph ${i}`, graph: randomGraph(random) }));
    let seed = 1;
    for (const { label, graph } of Object.values(groups).flat()) ported.set(label, portGraph(tf, label, graph, seed++));
    const run = await runInPyTorch([...ported.values()].map((p) => p.torchCase));
    for (const result of run.results) results.set(result.label, result);
  }, 300_000);

  const check = (label: string) => expectSameAsTensorFlow(ported.get(label)!, results.get(label)!);

  it.each(PRESETS)('$label computes what the studio computes, with its trainable count', ({ label, trainable }) => {
    check(label);
    if (trainable !== undefined) expect(results.get(label)!.trainable).toBe(trainable);
  });

  it.each(HAND_MADE)('$label computes what the studio computes', ({ label }) => check(label));

  it("pads convolutions as TensorFlow does, for every input size, kernel, stride, dilation and padding", () => {
    expect(groups.convGrid.length).toBeGreaterThan(300);
    for (const { label } of groups.convGrid) check(label);
  });

  it('pools over the windows TensorFlow uses, averaging over image pixels only', () => {
    expect(groups.poolGrid.length).toBeGreaterThan(250);
    for (const { label } of groups.poolGrid) check(label);
  });

  it(`computes what the studio computes for ${RANDOM_GRAPHS} seeded random graphs`, () => {
    for (const { label } of groups.random) check(label);
  });

  it('checked the BatchNorm training statistics on presets, hand-made and random graphs', () => {
    const trained = [...ported.values()].filter((p) => p.training).map((p) => p.torchCase.label);
    expect(trained.filter((label) => label.startsWith('journey'))).not.toHaveLength(0);
    expect(trained).toContain('BatchNorm after a flatten');
    expect(trained.filter((label) => label.startsWith('random'))).not.toHaveLength(0);
  });
});

/** Largest |a − b| over the pairs. */
function largestDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(actual[i]! - expected[i]!));
  return largest;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const difference = largestDifference(actual, expected);
  expect(difference, `${what}: largest difference ${difference.toExponential(2)} at scale ${scale.toPrecision(3)}`).toBeLessThanOrEqual(TOLERANCE * scale);
}

function expectSameAsTensorFlow(ported: PortedGraph, result: TorchResult): void {
  const { analysis, torchCase } = ported;
  const label = torchCase.label;
  const context = `${label}\n${torchCase.source}`;
  expect(result.error, context).toBeUndefined();
  expect(result.selfCheck, `${label}: the module's own __main__ check`).toBe('passed');
  expect(result.trainable, `${label}: trainable parameters`).toBe(analysis.totals.params.trainable);

  // Every block's value, in evaluation order: the shape the analysis gives it, channels first.
  // An assignment of a bare name (`in_ = x`) only keeps the input for later branches.
  const assigned = result.assignments!.filter(([target, expression]) => target !== 'return' && !/^\w+$/.test(expression));
  const blocks = analysis.order.filter((id) => !['input', 'output'].includes(analysis.nodes[id]!.type));
  expect(assigned.map(([, expression]) => expression), context).toHaveLength(blocks.length);
  blocks.forEach((id, i) => {
    expect(assigned[i]![2], `${label}: ${id} (${analysis.nodes[id]!.type}) = ${assigned[i]![1]}`).toEqual([...channelsFirst(analysis.nodes[id]!.outputShape!)]);
  });

  expect(result.outputShape).toEqual(ported.expected.shape);
  // A softmax output is returned as log-probabilities; tfjs gives probabilities.
  const output = ported.softmax ? result.output!.map(Math.exp) : result.output!;
  expectClose(output, ported.expected.data, `${context}\noutput`);

  if (!ported.training) return;
  const trainOutput = ported.softmax ? result.trainOutput!.map(Math.exp) : result.trainOutput!;
  expectClose(trainOutput, ported.training.output.data, `${label}: output in training mode`);
  for (const norm of ported.training.batchNorms) {
    const torch = result.runningStats![norm.name]!;
    // Keras keeps `momentum` of the old statistics, PyTorch takes `momentum` of the new batch:
    // after one batch both means are the same.
    expectClose(torch.mean, norm.after.mean, `${label}: ${norm.name} running mean`);
    // The variances differ by design: TensorFlow.js averages in the batch's biased variance,
    // PyTorch the unbiased one (n / (n − 1), n values per channel). Recover the batch variance
    // from tfjs' update and expect PyTorch's with Bessel's correction.
    const m = norm.before.momentum;
    const expectedTorch = norm.after.variance.map((after, c) => {
      const batchVariance = (after - m * norm.before.variance[c]!) / (1 - m);
      return m * norm.before.variance[c]! + (1 - m) * batchVariance * (norm.count / (norm.count - 1));
    });
    expectClose(torch.var, expectedTorch, `${label}: ${norm.name} running variance`);
  }
}
