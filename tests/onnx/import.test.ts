/**
 * The ONNX import reads what PyTorch's exporter writes: the journey's rounds and the classic
 * presets rebuilt in PyTorch (the studio's own PyTorch export), a residual block and an inception
 * block written by hand (functional ReLU, x.view, torch.cat, SiLU, GELU, a depthwise convolution,
 * a softmax), each given seeded random weights and exported by torch.onnx.export in one Python
 * process (tests/onnx/torch_to_onnx.py). The imported graph must count PyTorch's trainable
 * parameters (sum of p.numel()), and with the imported weights compute PyTorch's outputs.
 * The studio's own ONNX files import back to the same function.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { applyModelWeights, readModelWeights } from '../../main/compile/model-weights.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportPyTorch } from '../../main/export/index.ts';
import { exportOnnx } from '../../main/export/onnx.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { importOnnxModel } from '../../main/import/onnx.ts';
import { decodeOnnx, encodeOnnx } from '../../main/onnx/codec.ts';
import type { GraphWeights } from '../../main/weights/types.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { hasPythonModules, PYTHON, PYTHON_REQUIRED } from '../support/python.ts';
import { randomGraph } from '../support/random-graph.ts';
import { randomWeights } from '../support/random-weights.ts';

const SCRIPT = fileURLToPath(new URL('./torch_to_onnx.py', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-onnx-import-'));

interface TorchCase {
  label: string;
  module?: string;
  className?: string;
  builtin?: string;
  onnx: string;
  seed: number;
  mode?: 'PRESERVE' | 'TRAINING' | 'EVAL';
  opset?: number;
}
interface TorchResult {
  label: string;
  error?: string;
  trainable: number;
  inputShape: number[];
  outputShape: number[];
}

const presets: [string, GraphDocument][] = [
  ...Array.from({ length: 10 }, (_, i): [string, GraphDocument] => [`journey round ${i + 1}`, loadPreset(journeyPath(i + 1))]),
  ...['lenet-5', 'small-resnet', 'inception-block'].map((name): [string, GraphDocument] => [name, loadPreset(`${RESOURCES}presets/${name}.json`)]),
];

function torchCases(): TorchCase[] {
  const cases: TorchCase[] = presets.map(([label, graph], index) => {
    const source = exportPyTorch(graph);
    const module = join(folder, `module_${index}.py`);
    writeFileSync(module, source);
    return { label, module, className: /^class (\w+)\(nn\.Module\):$/m.exec(source)![1]!, onnx: join(folder, `torch-${index}.onnx`), seed: index + 1 };
  });
  const round10 = cases[9]!;
  cases.push({ ...round10, label: 'journey round 10, training-mode export', onnx: join(folder, 'torch-r10-training.onnx'), mode: 'TRAINING' });
  cases.push({ ...round10, label: 'journey round 10, opset 11', onnx: join(folder, 'torch-r10-opset11.onnx'), opset: 11 });
  cases.push({ ...round10, label: 'journey round 10, eval-mode export', onnx: join(folder, 'torch-r10-eval.onnx'), mode: 'EVAL' });
  cases.push({ label: 'hand-written residual block', builtin: 'residual', onnx: join(folder, 'torch-residual.onnx'), seed: 101 });
  cases.push({ label: 'hand-written inception block', builtin: 'inception', onnx: join(folder, 'torch-inception.onnx'), seed: 102 });
  return cases;
}

let cases: TorchCase[] = [];
let results: TorchResult[] = [];
const torchAvailable = hasPythonModules('torch', 'numpy');
/** Without PyTorch the torch.onnx.export checks are skipped with one line, except in CI, where they fail. */
const runTorch = torchAvailable || PYTHON_REQUIRED;

beforeAll(async () => {
  await tf.setBackend('cpu');
  if (!runTorch) return;
  if (!torchAvailable) throw new Error(`${PYTHON} has no torch: apt-get install python3-torch (Debian), or set PYTHON_WITH_TORCH`);
  cases = torchCases();
  const manifest = join(folder, 'manifest.json');
  const resultsPath = join(folder, 'results.json');
  writeFileSync(manifest, JSON.stringify({ cases }));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, manifest, resultsPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${SCRIPT} exited with ${code}: ${errors}`))));
  });
  results = (JSON.parse(readFileSync(resultsPath, 'utf8')) as { results: TorchResult[] }).results;
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const floats = (path: string) => {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** What the graph computes with the weights for a batch given channels first; probabilities or logits as its Output says. */
function studioOutput(graph: GraphDocument, weights: GraphWeights, batch: Float32Array, shape: number[]): Float32Array {
  const analysis = analyzeGraph(graph);
  const model = compileGraph(tf, graph, { analysis });
  try {
    applyModelWeights(tf, model, graph, analysis, weights, 'the imported model');
    return tf.tidy(() => {
      const input = tf.transpose(tf.tensor4d(batch, shape as [number, number, number, number]), [0, 2, 3, 1]);
      return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
  return most;
}

describe.skipIf(!runTorch)('ONNX import of torch.onnx.export files', () => {
  const labels = [
    ...presets.map(([label]) => label),
    'journey round 10, training-mode export',
    'journey round 10, opset 11',
    'journey round 10, eval-mode export',
    'hand-written residual block',
    'hand-written inception block',
  ];

  it.each(labels.map((label, index) => [label, index] as const))('%s: PyTorch\'s trainable count and outputs', (label, index) => {
    const result = results[index]!;
    expect(result.error, label).toBeUndefined();
    const model = decodeOnnx(readFileSync(cases[index]!.onnx));
    const imported = importOnnxModel(model, { fallbackName: label });
    if (!imported.ok) throw new Error(`${label}: ${imported.problems.join('; ')}`);
    const analysis = analyzeGraph(imported.graph);
    expect(analysis.valid, JSON.stringify(analysis.diagnostics)).toBe(true);
    expect(imported.weightsProblem).toBeNull();

    const logSoftmax = model.graph.nodes.at(-1)!.opType === 'LogSoftmax';
    const expected = floats(`${cases[index]!.onnx}.output.bin`).map((v) => (logSoftmax ? Math.exp(v) : v));
    const got = studioOutput(imported.graph, imported.weights!, floats(`${cases[index]!.onnx}.input.bin`), result.inputShape);
    expect(maxDifference(got, expected), `${label}: largest difference from PyTorch`).toBeLessThanOrEqual(1e-4);

    if (label.includes('eval-mode')) {
      // PyTorch folded bn5 into conv5 (a bias of 8 in place of BatchNorm's 16): the file holds 8 fewer.
      expect(analysis.totals.params.trainable).toBe(result.trainable - 8);
      expect(imported.notes.join(' ')).toMatch(/"\/conv5\/Conv" has weights PyTorch's exporter computed .*TrainingMode\.PRESERVE/);
    } else {
      expect(analysis.totals.params.trainable).toBe(result.trainable);
    }
  });

  it('reads round 10 with its 9,896 trainable parameters, named after the PyTorch modules', () => {
    const file = (label: string) => readFileSync(cases.find((c) => c.label === label)!.onnx);
    expect(results[9]!.trainable).toBe(9896);
    const imported = importOnnxModel(decodeOnnx(file('journey round 10')));
    if (!imported.ok) throw new Error(imported.problems.join('; '));
    expect(analyzeGraph(imported.graph).totals.params.trainable).toBe(9896);
    const original = loadPreset(journeyPath(10));
    // Dropout is gone from an eval-mode model; every other block keeps its name and kind.
    const kept = original.nodes.filter((n) => n.type !== 'dropout').map((n) => `${n.id}:${n.type}`);
    expect(imported.graph.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(kept);
    const training = importOnnxModel(decodeOnnx(file('journey round 10, training-mode export')));
    if (!training.ok) throw new Error(training.problems.join('; '));
    expect(training.graph.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(original.nodes.map((n) => `${n.id}:${n.type}`));
  });
});

describe('ONNX import of the studio\'s own export', () => {
  const graphs: [string, GraphDocument][] = [...presets, ...Array.from({ length: 30 }, (_, i): [string, GraphDocument] => [`random graph ${i}`, randomGraph(seededRandom(9100 + i))])];

  it.each(graphs.map(([label], index) => [label, index] as const))('%s: imports back to the same function and count', (label, index) => {
    const graph = graphs[index]![1];
    const analysis = analyzeGraph(graph);
    const model = compileGraph(tf, graph, { analysis, seed: 3 });
    let weights: GraphWeights;
    try {
      applyModelWeights(tf, model, graph, analysis, randomWeights(graph, analysis, seededRandom(index)), 'the test');
      weights = readModelWeights(model, graph);
    } finally {
      model.dispose();
    }
    const onnx = decodeOnnx(encodeOnnx(exportOnnx(graph, weights, { weightsFrom: 'test' }, analysis)));
    const imported = importOnnxModel(onnx);
    if (!imported.ok) throw new Error(`${label}: ${imported.problems.join('; ')}`);
    expect(imported.weightsProblem).toBeNull();
    expect(analyzeGraph(imported.graph).totals.params).toEqual(analysis.totals.params);

    const [height, width, channels] = analysis.inputShape as [number, number, number];
    const batch = Float32Array.from({ length: 2 * channels * height * width }, seededRandom(index + 50));
    const before = studioOutput(graph, weights, batch, [2, channels, height, width]);
    const after = studioOutput(imported.graph, imported.weights!, batch, [2, channels, height, width]);
    expect(maxDifference(after, before), label).toBeLessThanOrEqual(1e-5);
  });
});
