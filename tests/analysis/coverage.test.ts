/**
 * Receptive-field coverage: worked by hand on small cases, then against TensorFlow.js itself —
 * the pixels whose gradient reaches the output are exactly the pixels the analysis says it sees.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { coverageOf, coversPixel, describeCoverage, describeUnitCoverage } from '../../main/analysis/coverage.ts';
import type { Coverage } from '../../main/analysis/types.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import { seededRandom } from '../../main/data/random.ts';
import { parseGraphJson } from '../../main/graph/load.ts';
import type { GraphDocument, GraphNode } from '../../main/graph/types.ts';
import { chainOf, graphOf } from '../support/graphs.ts';
import { randomGraph } from '../support/random-graph.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const head = [{ type: 'globalAvgPool' }, { type: 'dense', params: { units: 2 } }, { type: 'output' }];

function coverage(graph: GraphDocument): Coverage {
  const analysis = analyzeGraph(graph);
  expect(analysis.valid).toBe(true);
  return analysis.coverage!;
}

describe('coverage worked by hand', () => {
  it('finds the 23 pixels the stride-3, padding-1 report misses (reports/16)', () => {
    const file = parseGraphJson(readFileSync(new URL('../fixtures/reports/16-rf-coverage-padding.json', import.meta.url), 'utf8'));
    if (!file.ok) throw new Error(JSON.stringify(file.problems));
    const graph = file.graph;
    // Per axis: padding 1 puts window u at 3u − 1 … 3u + 1; the 4 windows (12 + 2 − 3)/3 + 1 = 4
    // read −1 … 10, so row 11 and column 11 never reach the output: 11 × 11 = 121 of 144 seen.
    const result = coverage(graph);
    expect(result).toMatchObject({ image: [12, 12], seen: 121, total: 144 });
    expect(describeCoverage(result)).toBe('misses 23 of the 144 input pixels');
    // The field's size (12×12) alone would have said the whole input is covered.
    expect(analyzeGraph(graph).receptiveField!.size).toEqual([12, 12]);
  });

  it('counts the pixels a stride larger than the kernel skips', () => {
    // 1×1 windows with stride 2 on 5×5 read rows and columns 0, 2, 4: 9 of 25.
    const result = coverage(chainOf([5, 5, 1], [{ type: 'conv2d', params: { filters: 1, kernelSize: 1, strides: 2 } }, ...head]));
    expect(result.seen).toBe(9);
    expect(result.regions).toEqual([{ rows: [[0, 0], [2, 2], [4, 4]], cols: [[0, 0], [2, 2], [4, 4]] }]);
  });

  it('counts the holes of a dilated kernel', () => {
    // 3 taps, dilation 2, on 5: one window reading 0, 2, 4 on each axis.
    const result = coverage(chainOf([5, 5, 1], [{ type: 'conv2d', params: { filters: 1, kernelSize: 3, dilation: 2 } }, ...head]));
    expect(result.seen).toBe(9);
  });

  it('counts the gaps a later stride leaves in an earlier layer’s field', () => {
    // 1×1 stride 2 on 8 reads 0, 2, 4, 6; then 3×3 stride 1 on the 4 positions: still 0, 2, 4, 6.
    // The field's size says 5 wide at jump 2 (so "covers" 0 … 8), but 4 × 4 = 16 of 64 pixels reach.
    const result = coverage(
      chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 1, kernelSize: 1, strides: 2 } }, { type: 'conv2d', params: { filters: 1, kernelSize: 3 } }, ...head]),
    );
    expect(result.seen).toBe(16);
  });

  it('adds up branches whose pixels are not rows × columns', () => {
    // Branch a reads rows 0, 2 and every column; branch b every row and columns 0, 2. Together
    // they miss only (1, 1), (1, 3), (3, 1), (3, 3): 12 of 16 — per axis, both axes look complete.
    const graph = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 4, width: 4, channels: 1 } },
        { id: 'a', type: 'conv2d', params: { filters: 1, kernelSize: 1, strides: [2, 1] } },
        { id: 'ap', type: 'avgPool2d', params: { poolSize: [1, 2] } },
        { id: 'b', type: 'conv2d', params: { filters: 1, kernelSize: 1, strides: [1, 2] } },
        { id: 'bp', type: 'avgPool2d', params: { poolSize: [2, 1] } },
        { id: 'add', type: 'add' },
        ...head.map((block, i) => ({ ...block, id: `h${i}` })),
      ],
      [['in', 'a'], ['a', 'ap'], ['in', 'b'], ['b', 'bp'], ['ap', 'add'], ['bp', 'add'], ['add', 'h0'], ['h0', 'h1'], ['h1', 'h2']],
    );
    const result = coverage(graph);
    expect(result.seen).toBe(12);
    expect([[1, 1], [1, 3], [3, 1], [3, 3]].every(([r, c]) => !coversPixel(result, r!, c!))).toBe(true);
    expect(coversPixel(result, 1, 0)).toBe(true);
  });

  it('says what one unit sees, clipped to the image', () => {
    const graph = chainOf([12, 12, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 3, padding: 1 } }, ...head]);
    const analysis = analyzeGraph(graph);
    const corner = coverageOf(graph, analysis, 'b1', { rows: [0, 0], cols: [0, 0] })!;
    expect(corner.seen).toBe(4); // rows and columns −1 … 1, of which 0 and 1 are in the image
    expect(describeUnitCoverage(corner)).toBe('sees 4 input pixels, within rows 0–1 and columns 0–1');
  });

  it('is unknown until the graph is analysed up to the output', () => {
    const analysis = analyzeGraph(chainOf([4, 4, 1], [{ type: 'conv2d', params: { filters: 1, kernelSize: 7 } }, ...head]));
    expect(analysis.coverage).toBeNull();
  });
});

/**
 * The same network made linear with positive weights, so that no contribution can cancel or be
 * cut: max pooling becomes average pooling (same windows), activations become linear, the output
 * gives logits. Then an input pixel has a positive gradient exactly when a path leads from it to
 * the units. TensorFlow.js has no gradient for dilated convolutions, so a dilated kernel becomes
 * the undilated kernel of the same span with zero weights in its holes (`holes`, by node id):
 * the same windows, the same taps.
 */
function linearised(graph: GraphDocument): { graph: GraphDocument; holes: Map<string, [number, number]> } {
  const holes = new Map<string, [number, number]>();
  const nodes = graph.nodes.map((node): GraphNode => {
    if (node.type === 'maxPool2d') return { ...node, type: 'avgPool2d', params: node.params } as GraphNode;
    if (node.type === 'activation') return { ...node, params: { ...node.params, function: 'linear' } };
    if (node.type === 'output') return { ...node, params: { activation: 'none' } };
    if (node.type === 'conv2d' && node.params.dilation.some((d) => d > 1)) {
      const { kernelSize: [kh, kw], dilation: [dh, dw] } = node.params;
      holes.set(node.id, [dh, dw]);
      return { ...node, params: { ...node.params, kernelSize: [dh * (kh - 1) + 1, dw * (kw - 1) + 1], dilation: [1, 1] } };
    }
    return node;
  });
  return { graph: { ...graph, nodes }, holes };
}

/** Input pixels (row, col) whose gradient of the sum of the picked units is positive, as a height × width mask. */
function gradientMask(model: tf.LayersModel, outputOf: tf.SymbolicTensor, shape: number[], pick: (y: tf.Tensor) => tf.Tensor): Uint8Array {
  const probe = tf.model({ inputs: model.inputs, outputs: outputOf });
  const [height, width, channels] = shape as [number, number, number];
  const gradient = tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) => pick(probe.apply(x, { training: false }) as tf.Tensor).sum());
    return grad(tf.ones([1, height, width, channels]));
  });
  const values = gradient.dataSync();
  gradient.dispose();
  const mask = new Uint8Array(height * width);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) if (values[p * channels + c]! > 0) mask[p] = 1;
  }
  return mask;
}

function expectMaskToMatch(mask: Uint8Array, result: Coverage, label: string): void {
  const [height, width] = result.image;
  const wrong: string[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) if (Boolean(mask[r * width + c]) !== coversPixel(result, r, c)) wrong.push(`(${r}, ${c})`);
  }
  expect(wrong, label).toEqual([]);
  expect(result.seen, label).toBe(mask.reduce((sum, v) => sum + v, 0));
}

/** The linearised graph compiled, every weight drawn from [0.5, 1.5), the dilated kernels' holes 0. */
function compiledPositive(test: ReturnType<typeof linearised>, random: () => number): tf.LayersModel {
  const model = compileGraph(tf, test.graph);
  const names = layerNames(test.graph);
  for (const node of test.graph.nodes) {
    if (node.type === 'input' || node.type === 'output') continue;
    const layer = model.getLayer(names.get(node.id)!);
    const [dh, dw] = test.holes.get(node.id) ?? [1, 1];
    // getWeights returns the variables' own tensors: not to be disposed here.
    const values = layer.getWeights().map((w, i) => {
      const isKernel = i === 0 && (node.type === 'conv2d' || node.type === 'depthwiseConv2d');
      const [, kw = 1, cin = 1, cout = 1] = w.shape;
      return tf.tensor(
        Float32Array.from({ length: w.size }, (_, k) => {
          const [row, col] = [Math.floor(k / (kw * cin * cout)), Math.floor(k / (cin * cout)) % kw];
          return isKernel && (row % dh !== 0 || col % dw !== 0) ? 0 : 0.5 + random();
        }),
        w.shape,
      );
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
  return model;
}

describe('coverage against the gradient in TensorFlow.js', () => {
  const random = seededRandom(1611);
  const originals = Array.from({ length: 120 }, () => randomGraph(random));

  it('matches the pixels with a non-zero gradient of the output, on 120 random graphs', () => {
    let partial = 0;
    for (const [index, graph] of originals.entries()) {
      const analysis = analyzeGraph(graph);
      expect(analysis.valid).toBe(true);
      const model = compiledPositive(linearised(graph), random);
      try {
        const mask = gradientMask(model, model.outputs[0]!, analysis.inputShape as number[], (y) => y);
        expectMaskToMatch(mask, analysis.coverage!, `random graph ${index}`);
        if (analysis.coverage!.seen < analysis.coverage!.total) partial += 1;
      } finally {
        tf.disposeVariables(); // the probe models share the layers, so dispose the weights at once
      }
    }
    // The check means something only if many graphs miss pixels (19 of these 120 do).
    expect(partial).toBeGreaterThanOrEqual(15);
  });

  it('matches the gradient of single units of every convolution, on 40 random graphs', () => {
    let units = 0;
    for (const [index, graph] of originals.slice(0, 40).entries()) {
      const analysis = analyzeGraph(graph);
      const model = compiledPositive(linearised(graph), random);
      const names = layerNames(graph);
      try {
        for (const node of graph.nodes.filter((n) => n.type === 'conv2d' || n.type === 'depthwiseConv2d')) {
          const [height, width] = analysis.nodes[node.id]!.outputShape as [number, number, number];
          const [y, x] = [Math.floor(random() * height), Math.floor(random() * width)];
          const output = model.getLayer(names.get(node.id)!).output as tf.SymbolicTensor;
          const mask = gradientMask(model, output, analysis.inputShape as number[], (t) => t.slice([0, y, x, 0], [-1, 1, 1, -1]));
          expectMaskToMatch(mask, coverageOf(graph, analysis, node.id, { rows: [y, y], cols: [x, x] })!, `graph ${index}, ${node.id} unit (${y}, ${x})`);
          units += 1;
        }
      } finally {
        tf.disposeVariables(); // the probe models share the layers, so dispose the weights at once
      }
    }
    expect(units).toBeGreaterThan(30);
  });
});
