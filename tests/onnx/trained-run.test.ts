/**
 * Round 10, trained in the studio (tests/fixtures/runs/round-10-trained), exported with
 * `cnn-studio export <run> --format onnx` and `--format pytorch`, predicts what the studio
 * predicts on all 10,000 MNIST test images: onnxruntime's probabilities to 1e-5, PyTorch's
 * log-probabilities to 1e-4 (the studio's computed from its logits), the same class for every
 * image in both. The PyTorch export's own self-test (`python model.py`) passes too.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, type LoadedBackend } from '../../main/backends/ladder.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { readRunGraph } from '../../main/runs/run-history.ts';
import { loadRunModel } from '../../main/runs/run-model.ts';
import { runCli } from '../support/cli.ts';
import { runOnnx } from '../support/onnx-runtime.ts';
import { hasPythonModules, PYTHON, PYTHON_REQUIRED } from '../support/python.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/runs/round-10-trained', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-trained-run-'));
const runDir = join(folder, 'runs', 'round-10-trained');

let backend: LoadedBackend;
/** All 10,000 test images, normalised as the studio feeds them, channels last (N, 28, 28, 1). */
let images: Float32Array;
let labels: Uint8Array;
/** The studio's probabilities and logits for them, (10000, 10). */
let probabilities: Float32Array;
let logits: Float32Array;
const COUNT = 10_000;
const CLASSES = 10;

beforeAll(async () => {
  cpSync(FIXTURE, runDir, { recursive: true });
  backend = await loadBackend('wasm');
  const tf = backend.tf;
  const mnist = await loadMnist();
  const batch = fillBatch(mnist, mnist.test, Array.from({ length: COUNT }, (_, i) => i), { rotate: 0, shift: 0 }, Math.random);
  images = batch.images;
  labels = mnist.test.labels;
  const graph = await readRunGraph(runDir);
  const model = await loadRunModel(tf, runDir, 'best');
  // The logits: the input of the softmax Output block.
  const beforeSoftmax = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerNames(graph).get('output')!).input as tfjs.SymbolicTensor });
  const input = tf.tensor4d(images, [COUNT, 28, 28, 1]);
  probabilities = (model.predict(input, { batchSize: 500 }) as tfjs.Tensor).dataSync() as Float32Array;
  logits = (beforeSoftmax.predict(input, { batchSize: 500 }) as tfjs.Tensor).dataSync() as Float32Array;
  input.dispose();
  model.dispose();
}, 180_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const argmax = (values: ArrayLike<number>, row: number) => {
  let best = 0;
  for (let c = 1; c < CLASSES; c++) if (values[row * CLASSES + c]! > values[row * CLASSES + best]!) best = c;
  return best;
};

/** log_softmax of the studio's logits, in double precision. */
function logSoftmax(values: Float32Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let row = 0; row < values.length / CLASSES; row++) {
    let most = -Infinity;
    for (let c = 0; c < CLASSES; c++) most = Math.max(most, values[row * CLASSES + c]!);
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += Math.exp(values[row * CLASSES + c]! - most);
    for (let c = 0; c < CLASSES; c++) out[row * CLASSES + c] = values[row * CLASSES + c]! - most - Math.log(sum);
  }
  return out;
}

/** Channels last to channels first: (N, H, W, 1) is already (N, 1, H, W) in memory for one channel. */
const channelsFirst = () => images;

describe('a run trained in the studio, exported', () => {
  it('is a well-trained model: the studio gets over 98 % of the test images right', () => {
    let correct = 0;
    for (let i = 0; i < COUNT; i++) if (argmax(probabilities, i) === labels[i]) correct++;
    expect(correct / COUNT).toBeGreaterThan(0.98);
  });

  it('as ONNX, gives the studio\'s probabilities to 1e-5 and its class on all 10,000 test images', async () => {
    const out = join(folder, 'round10.onnx');
    const result = await runCli(['export', runDir, '--format', 'onnx', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Wrote .*round10\.onnx \(run round-10-trained, best model \(epoch 2, test accuracy 98\.71 %\)\)/);
    const got = await runOnnx(readFileSync(out), channelsFirst(), [COUNT, 1, 28, 28]);
    let worst = 0;
    const disagreements: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      if (argmax(got.values, i) !== argmax(probabilities, i)) disagreements.push(i);
      for (let c = 0; c < CLASSES; c++) worst = Math.max(worst, Math.abs(got.values[i * CLASSES + c]! - probabilities[i * CLASSES + c]!));
    }
    expect(disagreements).toEqual([]);
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it.skipIf(!hasPythonModules('torch', 'numpy') && !PYTHON_REQUIRED)(
    'as PyTorch with its weights, passes its own self-test and gives the studio\'s log-probabilities to 1e-4 and its class on all 10,000 test images',
    async () => {
      const out = join(folder, 'round10-pytorch');
      const result = await runCli(['export', runDir, '--format', 'pytorch', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('known predictions: the first 8 test images of MNIST');

      const selfTest = spawnSync(PYTHON, ['model.py'], { cwd: out, encoding: 'utf8' });
      expect(selfTest.status, selfTest.stderr).toBe(0);
      expect(selfTest.stdout).toMatch(/trainable parameters: 9,896/);
      expect(selfTest.stdout).toMatch(/8 known predictions match the studio's/);

      // Stock PyTorch and NumPy, from another folder: load_trained() finds its weights beside model.py.
      writeFileSync(join(folder, 'images.bin'), Buffer.from(channelsFirst().buffer));
      const script = [
        'import importlib.util, sys, numpy as np, torch',
        `spec = importlib.util.spec_from_file_location("exported", ${JSON.stringify(join(out, 'model.py'))})`,
        'module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)',
        'model = module.load_trained()',
        `images = torch.from_numpy(np.fromfile(${JSON.stringify(join(folder, 'images.bin'))}, dtype="<f4").reshape(${COUNT}, 1, 28, 28))`,
        'with torch.no_grad(): out = model(images)',
        `out.numpy().astype("<f4").tofile(${JSON.stringify(join(folder, 'torch-out.bin'))})`,
      ].join('\n');
      const run = spawnSync(PYTHON, ['-c', script], { cwd: tmpdir(), encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const bytes = readFileSync(join(folder, 'torch-out.bin'));
      const torchLogProbabilities = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const studio = logSoftmax(logits);
      let worst = 0;
      const disagreements: number[] = [];
      for (let i = 0; i < COUNT; i++) {
        if (argmax(torchLogProbabilities, i) !== argmax(probabilities, i)) disagreements.push(i);
        for (let c = 0; c < CLASSES; c++) worst = Math.max(worst, Math.abs(torchLogProbabilities[i * CLASSES + c]! - studio[i * CLASSES + c]!));
      }
      expect(disagreements).toEqual([]);
      expect(worst).toBeLessThanOrEqual(1e-4);
    },
    180_000,
  );

  it('writes the code alone when printed or named .py, as for a design', async () => {
    const printed = await runCli(['export', runDir, '--format', 'pytorch']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^class \w+\(nn\.Module\):/m);
    expect(printed.stdout).not.toContain('load_trained');
  });
});
