/**
 * Graphs for the export tests, shared by the tests of the exported text (pytorch-graphs.test.ts)
 * and the runs in real PyTorch (pytorch-real.test.ts): hand-made branches and merges, every
 * block kind, odd names, and the padding grids over input size × kernel × stride × dilation.
 */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { ACTIVATIONS } from '../../main/graph/schema.ts';
import type { GraphDocument, Padding } from '../../main/graph/types.ts';
import { chainOf, graphOf, type RawNode } from '../support/graphs.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';

/** A graph of one block under test between an image input and a flatten + output. */
export function around(input: [number, number, number], block: Omit<RawNode, 'id'>): GraphDocument {
  return chainOf(input, [block, { type: 'flatten' }, { type: 'output' }]);
}

// torchsummary's trainable totals, as published for each round of the journey; round 11 (after the
// journey) counted by hand: kernels 90 + 1,440 + 160 + 1,260 + 2,016 + 2,304 + 160 = 7,430, and
// BatchNorm's γ and β 2 × (10 + 16 + 10 + 14 + 16 + 16) = 164.
const PUBLISHED_TRAINABLE = [6_379_786, 194_884, 10_790, 10_760, 12_352, 5_688, 9_896, 13_848, 9_896, 9_896, 7_594];

/** The journey's rounds (with their trainable totals) and the classic presets. */
export const PRESETS = [
  ...PUBLISHED_TRAINABLE.map((trainable, i) => ({ label: `journey round ${i + 1}`, path: journeyPath(i + 1), trainable: trainable as number | undefined })),
  ...['lenet-5', 'small-resnet', 'inception-block'].map((name) => ({ label: name, path: `${RESOURCES}presets/${name}.json`, trainable: undefined })),
].map((preset) => ({ ...preset, graph: loadPreset(preset.path) }));

export const RESIDUAL = graphOf(
  [
    { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 3 } },
    { id: 'conv1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same' } },
    { id: 'relu1', type: 'activation' },
    { id: 'conv2', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', useBias: false } },
    { id: 'bn2', type: 'batchNorm' },
    { id: 'add', type: 'add' },
    { id: 'relu2', type: 'activation' },
    { id: 'gap', type: 'globalAvgPool' },
    { id: 'out', type: 'output', params: { activation: 'none' } },
  ],
  [['in', 'conv1'], ['conv1', 'relu1'], ['relu1', 'conv2'], ['conv2', 'bn2'], ['bn2', 'add'], ['relu1', 'add'], ['add', 'relu2'], ['relu2', 'gap'], ['gap', 'out']],
);

/** Three branches from the input into a Concat, connected in the given order. */
export function inception(order: string[]): GraphDocument {
  return graphOf(
    [
      { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 3 } },
      { id: 'a', type: 'conv2d', params: { filters: 2, kernelSize: 1 } },
      { id: 'b', type: 'conv2d', params: { filters: 3, kernelSize: 3, padding: 'same' } },
      { id: 'c', type: 'maxPool2d', params: { poolSize: 3, strides: 1, padding: 'same' } },
      { id: 'cat', type: 'concat' },
      { id: 'flat', type: 'flatten' },
      { id: 'out', type: 'output' },
    ],
    [['in', 'a'], ['in', 'b'], ['in', 'c'], ...order.map((id): [string, string] => [id, 'cat']), ['cat', 'flat'], ['flat', 'out']],
  );
}

/** Three Dense branches added, and the sum concatenated with one of them. */
export const FLAT_MERGES = graphOf(
  [
    { id: 'in', type: 'input', params: { height: 4, width: 4, channels: 2 } },
    { id: 'flat', type: 'flatten' },
    { id: 'd1', type: 'dense', params: { units: 5 } },
    { id: 'd2', type: 'dense', params: { units: 5 } },
    { id: 'd3', type: 'dense', params: { units: 5 } },
    { id: 'sum', type: 'add' },
    { id: 'cat', type: 'concat' },
    { id: 'out', type: 'output' },
  ],
  [['in', 'flat'], ['flat', 'd1'], ['flat', 'd2'], ['flat', 'd3'], ['d1', 'sum'], ['d2', 'sum'], ['d3', 'sum'], ['sum', 'cat'], ['d1', 'cat'], ['cat', 'out']],
);

/** A flattened 3×3×2 map added to a Dense output: the flatten order reaches the sum directly. */
export const FLATTEN_INTO_ADD = graphOf(
  [
    { id: 'in', type: 'input', params: { height: 3, width: 3, channels: 2 } },
    { id: 'flat', type: 'flatten' },
    { id: 'dense', type: 'dense', params: { units: 18 } },
    { id: 'sum', type: 'add' },
    { id: 'out', type: 'output', params: { activation: 'none' } },
  ],
  [['in', 'flat'], ['flat', 'dense'], ['dense', 'sum'], ['flat', 'sum'], ['sum', 'out']],
);

/** Every activation in a row on a flat vector. */
export const EVERY_ACTIVATION = chainOf([4, 4, 1], [{ type: 'flatten' }, ...ACTIVATIONS.map((fn) => ({ type: 'activation', params: { function: fn, alpha: 0.2 } })), { type: 'output', params: { activation: 'none' } }]);

export const DEPTHWISE = around([8, 8, 3], { type: 'depthwiseConv2d', params: { kernelSize: 3, depthMultiplier: 2, useBias: false } });

/** BatchNorm and Dropout on a flat vector, Dense without bias. */
export const FLAT_BATCH_NORM = chainOf([4, 4, 2], [{ type: 'flatten' }, { type: 'batchNorm', params: { momentum: 0.99, epsilon: 0.001 } }, { type: 'dropout', params: { rate: 0.25 } }, { type: 'dense', params: { units: 3, useBias: false } }, { type: 'output' }]);

/** BatchNorm on a flat vector straight after the flatten of a 3×3 map, with no Dropout, so the training pass runs. */
export const FLATTENED_BATCH_NORM = chainOf([3, 3, 2], [{ type: 'conv2d', params: { filters: 3, kernelSize: 1 } }, { type: 'flatten' }, { type: 'batchNorm', params: { momentum: 0.8, epsilon: 0.01 } }, { type: 'dense', params: { units: 4 } }, { type: 'output' }]);

export const KEEP_DIMS = chainOf([6, 6, 2], [{ type: 'globalAvgPool', params: { keepDims: true } }, { type: 'conv2d', params: { filters: 3, kernelSize: 1 } }, { type: 'flatten' }, { type: 'output' }]);

/** Ids that are no Python identifiers, and one that clashes with the padding layer's name. */
export const ODD_NAMES = graphOf(
  [
    { id: 'input image', type: 'input', params: { height: 6, width: 6, channels: 1 } },
    { id: 'conv 1', type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: [0, 1, 0, 1] } },
    { id: 'conv_1_pad', type: 'activation', params: { function: 'leakyRelu' } },
    { id: 'for', type: 'flatten' },
    { id: 'out', type: 'output' },
  ],
  [['input image', 'conv 1'], ['conv 1', 'conv_1_pad'], ['conv_1_pad', 'for'], ['for', 'out']],
);

export const HAND_MADE: { label: string; graph: GraphDocument }[] = [
  { label: 'residual block', graph: RESIDUAL },
  { label: 'inception, branches in order', graph: inception(['a', 'b', 'c']) },
  { label: 'inception, branches reordered', graph: inception(['c', 'a', 'b']) },
  { label: 'flat Add and Concat', graph: FLAT_MERGES },
  { label: 'flatten into Add', graph: FLATTEN_INTO_ADD },
  { label: 'every activation', graph: EVERY_ACTIVATION },
  { label: 'depthwise', graph: DEPTHWISE },
  { label: 'flat BatchNorm and Dropout', graph: FLAT_BATCH_NORM },
  { label: 'BatchNorm after a flatten', graph: FLATTENED_BATCH_NORM },
  { label: 'GlobalAvgPool keepDims', graph: KEEP_DIMS },
  { label: 'odd names', graph: ODD_NAMES },
];

export interface ConvGridCase {
  length: number;
  kernel: number;
  stride: number;
  dilation: number;
  padding: Padding;
  graph: GraphDocument;
}

/** One conv on a length × (length + 1) × 2 input for every kernel, stride, dilation and padding; the analysis decides which fit. */
export function convPaddingGrid(): ConvGridCase[] {
  const cases: ConvGridCase[] = [];
  for (const length of [3, 4, 7, 8, 9])
    for (const kernel of [1, 2, 3, 4, 5])
      for (const stride of [1, 2, 3])
        for (const dilation of stride === 1 ? [1, 2] : [1])
          for (const padding of ['same', 'valid', [1, 0, 2, 1], [1, 1, 1, 1]] as Padding[]) {
            const graph = around([length, length + 1, 2], { type: 'conv2d', params: { filters: 3, kernelSize: [kernel, kernel], strides: stride, dilation, padding } });
            cases.push({ length, kernel, stride, dilation, padding, graph });
          }
  return cases;
}

export interface PoolGridCase {
  type: 'maxPool2d' | 'avgPool2d';
  length: number;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  graph: GraphDocument;
}

/** One pool on a length × (length + 1) × 2 input, window kernel × (kernel + 1), for both kinds and paddings. */
export function poolPaddingGrid(): PoolGridCase[] {
  const cases: PoolGridCase[] = [];
  for (const type of ['maxPool2d', 'avgPool2d'] as const)
    for (const length of [1, 2, 3, 5, 6, 7, 8])
      for (const kernel of [1, 2, 3, 4])
        for (const stride of [1, 2, 3])
          for (const padding of ['same', 'valid'] as const) {
            const graph = around([length, length + 1, 2], { type, params: { poolSize: [kernel, kernel + 1], strides: [stride, stride], padding } });
            cases.push({ type, length, kernel, stride, padding, graph });
          }
  return cases;
}

/** The cases whose graph the analysis accepts: the others cannot be exported. */
export const exportable = <T extends { graph: GraphDocument }>(cases: T[]): T[] => cases.filter((c) => analyzeGraph(c.graph).valid);
