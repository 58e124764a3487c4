/**
 * The ONNX export computes what the studio computes: for the journey's rounds, the classic
 * presets and 50 random graphs (every block kind, padding, stride, dilation, residual and
 * inception branches), with seeded random weights in the compiled TensorFlow.js model (BatchNorm
 * statistics and biases too), onnxruntime's outputs on a random batch equal tfjs' to 1e-5.
 * Debian's onnx.checker then checks every file written (skipped without python3-onnx, except in CI).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { applyModelWeights, readModelWeights } from '../../main/compile/model-weights.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportOnnx } from '../../main/export/onnx.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { encodeOnnx } from '../../main/onnx/codec.ts';
import { checkOnnxFiles, hasOnnxChecker, runOnnx } from '../support/onnx-runtime.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { PYTHON_REQUIRED } from '../support/python.ts';
import { randomGraph } from '../support/random-graph.ts';
import { randomWeights } from '../support/random-weights.ts';

const BATCH = 3;
const TOLERANCE = 1e-5;

const cases: { label: string; graph: GraphDocument }[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ label: `journey round ${i + 1}`, graph: loadPreset(journeyPath(i + 1)) })),
  ...['lenet-5', 'small-resnet', 'inception-block'].map((name) => ({ label: name, graph: loadPreset(`${RESOURCES}presets/${name}.json`) })),
  ...Array.from({ length: 50 }, (_, i) => ({ label: `random graph ${i}`, graph: randomGraph(seededRandom(7000 + i)) })),
];

const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-onnx-export-'));
const written: { label: string; path: string }[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Largest |a − b| over two equally long arrays. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
  return most;
}

describe('ONNX export', () => {
  it.each(cases.map((c, index) => [c.label, index] as const))('%s: onnxruntime computes what tfjs computes', async (label, index) => {
    const { graph } = cases[index]!;
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    const random = seededRandom(100 + index);
    const model = compileGraph(tf, graph, { analysis, seed: 1 });
    try {
      applyModelWeights(tf, model, graph, analysis, randomWeights(graph, analysis, random), 'the test');
      const onnx = encodeOnnx(exportOnnx(graph, readModelWeights(model, graph), { weightsFrom: 'random test weights' }, analysis));
      const path = join(folder, `case-${index}.onnx`);
      writeFileSync(path, onnx);
      written.push({ label, path });

      const input = analysis.inputShape as [number, number, number];
      const batch = tf.randomUniform([BATCH, ...input], 0, 1, 'float32', 5 + index);
      const expected = (model.predict(batch) as tf.Tensor).dataSync();
      const channelsFirst = tf.transpose(batch, [0, 3, 1, 2]);
      const got = await runOnnx(onnx, channelsFirst.dataSync() as Float32Array, channelsFirst.shape);
      tf.dispose([batch, channelsFirst]);

      expect(got.shape).toEqual([BATCH, analysis.outputShape![0]]);
      expect(maxDifference(got.values, expected), `${label}: largest difference`).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      model.dispose();
    }
  });

  it('names values after the blocks and initializers as a PyTorch state dict, channels first', () => {
    const graph = loadPreset(journeyPath(10));
    const model = compileGraph(tf, graph, { seed: 1 });
    const onnx = exportOnnx(graph, readModelWeights(model, graph), { weightsFrom: 'initial weights (seed 1)' });
    model.dispose();
    expect(onnx.opset).toBe(13);
    expect(onnx.graph.inputs).toEqual([{ name: 'input', dataType: 'float', shape: ['N', 1, 28, 28] }]);
    expect(onnx.graph.outputs).toEqual([{ name: 'output', dataType: 'float', shape: ['N', 10] }]);
    expect(onnx.graph.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['conv1', 'relu1', 'bn1', 'pool1', 'gap1', 'conv7', 'output']));
    // Dropout is gone in inference; BatchNorm keeps its four tensors.
    expect(onnx.graph.nodes.some((n) => n.opType === 'Dropout')).toBe(false);
    expect(onnx.graph.initializers.map((t) => t.name)).toEqual(expect.arrayContaining(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var']));
    expect(onnx.graph.initializers.find((t) => t.name === 'conv1.weight')!.dims).toEqual([8, 1, 3, 3]);
    expect(onnx.metadata['trainable parameters']).toBe('9896');
  });

  it('writes a depthwise convolution as a Conv with one group per channel, and "same" padding as its uneven pads', () => {
    const graph = loadPreset(journeyPath(10));
    const depthwise: GraphDocument = {
      ...graph,
      nodes: [
        { id: 'in', type: 'input', params: { height: 7, width: 8, channels: 3 } },
        { id: 'dw', type: 'depthwiseConv2d', params: { kernelSize: [2, 2], depthMultiplier: 2, strides: [2, 2], padding: 'same', dilation: [1, 1], useBias: true } },
        { id: 'flat', type: 'flatten', params: {} },
        { id: 'out', type: 'output', params: { activation: 'none' } },
      ],
      edges: [
        { source: 'in', target: 'dw' },
        { source: 'dw', target: 'flat' },
        { source: 'flat', target: 'out' },
      ],
      training: undefined,
    };
    const model = compileGraph(tf, depthwise, { seed: 1 });
    const onnx = exportOnnx(depthwise, readModelWeights(model, depthwise), { weightsFrom: 'test' });
    model.dispose();
    const conv = onnx.graph.nodes.find((n) => n.opType === 'Conv')!;
    expect(conv.attributes.group).toEqual({ type: 'int', value: 3 });
    // 7 rows at stride 2 need 1 pixel more: TensorFlow puts it at the bottom; 8 columns need none.
    expect(conv.attributes.pads).toEqual({ type: 'ints', value: [0, 0, 1, 0] });
    expect(onnx.graph.initializers.find((t) => t.name === 'dw.weight')!.dims).toEqual([6, 1, 2, 2]);
    // A flatten of a map larger than 1×1 transposes to channels last first.
    expect(onnx.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Transpose', 'Flatten', 'Identity']);
  });

  it('passes onnx.checker.check_model', (context) => {
    if (!hasOnnxChecker()) {
      if (PYTHON_REQUIRED) throw new Error('python3-onnx is needed in CI: apt-get install python3-onnx');
      context.skip();
    }
    expect(written.length).toBe(cases.length);
    const results = checkOnnxFiles(written.map((w) => w.path));
    const failures = written.map((w, i) => [w.label, results[i]]).filter(([, result]) => result !== 'ok');
    expect(failures).toEqual([]);
  });
});
