/**
 * The exported PyTorch training script (`cnn-studio export <graph> --format pytorch-train`):
 *
 *   - it computes what the studio computes where the two must agree, asked in one Python process:
 *     the learning rate (and one-cycle's cycled momentum) before every batch for every schedule,
 *     warm-up included; the affine-augmented images for given angles, shifts, scales and shears,
 *     and the erased rectangles for given draws (the script draws its numbers from torch's
 *     generator, the studio from its own, so both are fed the same draws); the initialisations'
 *     fans and spreads; the optimizer, and the weights it makes of given gradients (weight decay,
 *     AdamW, cycled momentum) against the studio's own optimizer; the label-smoothed loss; the
 *     images the validation split holds out and the clean pass measures; the dataset it reads
 *     (EMNIST turned upright, labels shifted, normalisation from the training pixels);
 *   - it trains, in real PyTorch on the CPU, 1 epoch on 1,000 MNIST images in one process and with
 *     `torchrun --nproc_per_node=2` (gloo), holding out the studio's validation split and choosing
 *     the best epoch on it, and both runs come back into the studio: `cnn-studio
 *     runs` lists them beside a run the studio trained, marked with where they ran; `eval` gives
 *     the test accuracy they recorded; the studio's service details and compares them; they
 *     export to ONNX like any run.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../main/backends/ladder.ts';
import { affineInto, drawErasure, type AffineDraw } from '../../main/data/augment.ts';
import { openDataset } from '../../main/data/datasets.ts';
import { loadIdxFolder } from '../../main/data/idx-folder.ts';
import { mnistFolder } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { cleanTrainSample, holdOut } from '../../main/data/validation-split.ts';
import { trainingSettingsSchema, validationCount } from '../../main/graph/training-settings.ts';
import { trainingLoss } from '../../main/train/loss.ts';
import { createOptimizer } from '../../main/train/optimizers.ts';
import { createSchedule } from '../../main/train/schedules.ts';
import { runCli } from '../support/cli.ts';
import { ERASING, floats, LOSSES, OPTIMIZER_STEPS, optimizerInputs, SCHEDULES, VALIDATION } from './training-script-cases.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { hasPythonModules, PYTHON, PYTHON_REQUIRED } from '../support/python.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { solid, writePng } from '../data/image-fixtures.ts';

/** Input → conv → flatten → dense → output: a design for a small dataset. */
function smallDesign(height: number, width: number, channels: number, classes: number) {
  return {
    nodes: [
      { id: 'input', type: 'input', params: { height, width, channels } },
      { id: 'conv', type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 'same' } },
      { id: 'flatten', type: 'flatten' },
      { id: 'dense', type: 'dense', params: { units: classes } },
      { id: 'output', type: 'output' },
    ],
    edges: [['input', 'conv'], ['conv', 'flatten'], ['flatten', 'dense'], ['dense', 'output']].map(([source, target]) => ({ source, target })),
  };
}

const PROBE = fileURLToPath(new URL('./training_probe.py', import.meta.url));
const FIXTURE_RUN = fileURLToPath(new URL('../fixtures/runs/round-10-trained', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-training-script-'));
const exported = join(folder, 'exported');
const workspace = join(folder, 'workspace');
const runs = join(workspace, 'runs');

const torchAvailable = hasPythonModules('torch', 'numpy');
const runTorch = torchAvailable || PYTHON_REQUIRED;

/** Runs a command to its end; its output when it fails. */
function run(command: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  if (!runTorch) return;
  if (!torchAvailable) throw new Error(`${PYTHON} has no torch: apt-get install python3-torch (Debian), or set PYTHON_WITH_TORCH`);
  const result = await runCli(['export', journeyPath(10), '--format', 'pytorch-train', '--out', exported]);
  expect(result.code, result.stderr).toBe(0);
  mkdirSync(runs, { recursive: true });
  cpSync(FIXTURE_RUN, join(runs, 'studio-run'), { recursive: true });
}, 60_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// ── what the script computes ─────────────────────────────────────────────────

/** Bytes in the layout of an IDX file of unsigned bytes. */
function idx(dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

describe.skipIf(!runTorch)('the exported training script computes what the studio computes', () => {
  let answers: {
    schedules: { rates: number[][]; momenta: (number | null)[][] }[];
    augment: number[];
    erasing: [number, number, number, number][];
    erasedPixels: number[];
    optimizerSteps: number[][][][];
    losses: number[];
    validation: { held: number | 'none'; validation: number[]; train: number[]; trainPixels: number[]; clean: number[] }[];
    fans: Record<string, [number, number]>;
    largestWeight: Record<string, number>;
    kaiming: Record<'kaimingNormal' | 'kaimingUniform', Record<string, { fanIn: number; largest: number; std: number; count: number }>>;
    optimizers: { class: string; momentum?: number; nesterov?: boolean; eps?: number; parameters: number }[];
    datasets: { shape: number[]; pixels: number[]; labels: number[]; testLabels: number[]; mean: number; std: number }[];
  };
  const random = seededRandom(5);
  const shape: [number, number, number] = [7, 9, 2];
  const pixels = Array.from({ length: 3 * 7 * 9 * 2 }, () => Math.floor(random() * 256));
  // The draws of RandomAffine, as augment.ts makes them from its uniform numbers: degrees, pixels, a factor.
  const moves: AffineDraw[] = [
    { angle: -24, dx: 0, dy: 1.6, scale: 1, shear: 0 },
    { angle: 3.5, dx: -1.2, dy: 0.4, scale: 1.15, shear: 12 },
    { angle: 150, dx: 3.43, dy: -3.43, scale: 0.8, shear: -30 },
  ];
  // Per image, 23 draws: the coin, then ten tries' area and ratio draws, with the top and left after the try that fits.
  const erasingDraws = Array.from({ length: 16 }, (_, i) => floats(seededRandom(60 + i), 23, 1).map((v) => Math.abs(v)));
  /**
   * The script's erasing draws for each image, and the studio's box for the same numbers: the
   * studio reads the coin, then area and ratio per try until one fits, then the top and left, so
   * the top and left the script gets are the two numbers after the studio's last try (the script
   * finds that try itself).
   */
  const studioBoxes = erasingDraws.map((draws) => {
    let next = 0;
    const box = drawErasure({ rotate: 0, shift: 0, ...ERASING.settings }, ERASING.height, ERASING.width, () => draws[next++]!);
    return { box, topAt: next - 2 };
  });
  function erasingQuestions() {
    return {
      coin: erasingDraws.map((d) => d[0]),
      area: erasingDraws.map((d) => Array.from({ length: 10 }, (_, t) => d[1 + 2 * t])),
      ratio: erasingDraws.map((d) => Array.from({ length: 10 }, (_, t) => d[2 + 2 * t])),
      top: erasingDraws.map((d, i) => d[Math.max(0, studioBoxes[i]!.topAt)]),
      left: erasingDraws.map((d, i) => d[Math.max(0, studioBoxes[i]!.topAt) + 1]),
    };
  }
  const emnist = join(folder, 'emnist-letters');
  const photos = join(folder, 'photos');
  /** Designs that train on the two datasets, exported with --with-data. */
  const withData = { idx: join(folder, 'exported-idx'), images: join(folder, 'exported-images') };

  beforeAll(async () => {
    await loadBackend('wasm');
    // An EMNIST-named dataset: transposed images, letters labelled from 1.
    mkdirSync(emnist, { recursive: true });
    const train = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);
    writeFileSync(join(emnist, 'emnist-letters-train-images-idx3-ubyte'), idx([3, 4, 5], train));
    writeFileSync(join(emnist, 'emnist-letters-train-labels-idx1-ubyte'), idx([3], [1, 26, 3]));
    writeFileSync(join(emnist, 'emnist-letters-test-images-idx3-ubyte'), idx([2, 4, 5], train.slice(0, 40)));
    writeFileSync(join(emnist, 'emnist-letters-test-labels-idx1-ubyte'), idx([2], [2, 5]));
    // An image folder: three classes of 6×5 colour images in two sizes, resized by the studio to 4×5, grey.
    for (const [label, colour] of [['cat', [200, 30, 30]], ['dog', [20, 160, 90]], ['owl', [90, 90, 250]]] as const) {
      for (let i = 0; i < 7; i++) writePng(join(photos, label, `${i}.png`), 6 + (i % 2), 5, solid(6 + (i % 2), 5, colour.map((v) => (v + 17 * i) % 256) as [number, number, number]));
    }
    for (const [dataset, out] of [[`idx:${emnist}`, withData.idx], [`images:${photos}?size=4x5&grayscale=1`, withData.images]] as const) {
      const graph = dataset.startsWith('idx') ? smallDesign(5, 4, 1, 26) : smallDesign(4, 5, 1, 3);
      writeFileSync(join(folder, 'design.json'), JSON.stringify({ format: 'cnn-studio/graph', version: 2, name: 'small', ...graph, training: { dataset } }));
      const result = await runCli(['export', join(folder, 'design.json'), '--format', 'pytorch-train', '--with-data', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
    }

    const questions = {
      schedules: SCHEDULES,
      augment: {
        pixels,
        shape: [3, shape[2], shape[0], shape[1]],
        ...Object.fromEntries((['angle', 'dx', 'dy', 'scale', 'shear'] as const).map((key) => [key, moves.map((m) => m[key])])),
      },
      erasing: { ...ERASING, ...erasingQuestions() },
      optimizerSteps: OPTIMIZER_STEPS.map((c, i) => {
        const { weights, grads } = optimizerInputs(i);
        return { settings: trainingSettingsSchema.parse(c.settings), weights, steps: c.steps.map((step, s) => ({ ...step, grads: grads[s] })) };
      }),
      losses: LOSSES,
      validation: VALIDATION,
      optimizers: [
        trainingSettingsSchema.parse({ optimizer: 'sgd', momentum: 0 }),
        trainingSettingsSchema.parse({ optimizer: 'sgd', momentum: 0.9, nesterov: true }),
        trainingSettingsSchema.parse({ optimizer: 'adam' }),
      ],
      datasets: [emnist, join(withData.idx, 'data'), join(withData.images, 'data')],
    };
    // The probe wants the channels first; the studio's pixels are channels last.
    const channelsFirst: number[] = [];
    for (let n = 0; n < 3; n++) for (let c = 0; c < shape[2]; c++) for (let y = 0; y < shape[0]; y++) for (let x = 0; x < shape[1]; x++) channelsFirst.push(pixels[((n * shape[0] + y) * shape[1] + x) * shape[2] + c]!);
    questions.augment.pixels = channelsFirst;
    writeFileSync(join(folder, 'questions.json'), JSON.stringify(questions));
    const probe = await run(PYTHON, [PROBE, join(exported, 'train.py'), join(folder, 'questions.json'), join(folder, 'answers.json')], folder);
    expect(probe.code, probe.output).toBe(0);
    answers = JSON.parse(readFileSync(join(folder, 'answers.json'), 'utf8'));
  }, 60_000);

  it('gives the studio\'s learning rate and cycled momentum before every batch, for every schedule and warm-up', () => {
    SCHEDULES.forEach((c, i) => {
      const studio = createSchedule(c.schedule, c.learningRate, c.epochs, c.batchesPerEpoch, c.warmup);
      const got = answers.schedules[i]!;
      const label = `${c.schedule.type}${c.warmup ? ` after ${c.warmup.epochs} warm-up epochs` : ''}`;
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        for (let b = 0; b < c.batchesPerEpoch; b++) {
          expect(got.rates[epoch]![b], `${label}: epoch ${epoch} batch ${b}`).toBeCloseTo(studio.rate(epoch, b), 12);
          const momentum = studio.momentum(epoch, b);
          if (momentum === null) expect(got.momenta[epoch]![b], `${label}: momentum, epoch ${epoch} batch ${b}`).toBeNull();
          else expect(got.momenta[epoch]![b], `${label}: momentum, epoch ${epoch} batch ${b}`).toBeCloseTo(momentum, 12);
        }
        studio.epochEnded(c.testLosses[epoch]!);
      }
    });
  });

  it('turns, shears, scales and shifts an image as the studio does, for the same draws', () => {
    const size = shape[0] * shape[1] * shape[2];
    moves.forEach((move, n) => {
      const target = new Float32Array(size);
      affineInto(target, 0, Uint8Array.from(pixels), n * size, shape, move);
      for (let c = 0; c < shape[2]; c++) {
        for (let y = 0; y < shape[0]; y++) {
          for (let x = 0; x < shape[1]; x++) {
            const torch = answers.augment[((n * shape[2] + c) * shape[0] + y) * shape[1] + x]!;
            expect(torch, `image ${n} pixel (${y}, ${x}, ${c})`).toBeCloseTo(target[(y * shape[1] + x) * shape[2] + c]!, 5);
          }
        }
      }
    });
  });

  it('erases the rectangle the studio erases, for the same draws', () => {
    const boxes = studioBoxes.map(({ box }) => (box ? [box.top, box.left, box.height, box.width] : null));
    // The cases see all three outcomes: the coin says no, no try fits, a later try fits.
    expect(boxes.some((b) => b === null)).toBe(true);
    expect(studioBoxes.some(({ topAt }) => topAt > 3)).toBe(true);
    boxes.forEach((box, i) => {
      const got = answers.erasing[i]!;
      expect(got[2] === 0 ? null : got, `image ${i}`).toEqual(box);
      expect(answers.erasedPixels[i], `image ${i}`).toBe(box ? box[2]! * box[3]! : 0);
    });
  });

  it('updates the weights as the studio\'s optimizer does: weight decay, AdamW, cycled momentum', () => {
    OPTIMIZER_STEPS.forEach((c, index) => {
      const { weights, grads } = optimizerInputs(index);
      const variables = weights.map((w, i) => tf.variable(tf.tensor(w.values, w.shape), true, `training_script_${index}_${i}`));
      const optimizer = createOptimizer(tf, trainingSettingsSchema.parse(c.settings), c.steps[0]!.lr);
      c.steps.forEach((step, s) => {
        optimizer.setLearningRate(step.lr);
        if (step.momentum !== undefined) optimizer.setMomentum(step.momentum);
        const gradients = Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(grads[s]![i]!, v.shape)]));
        optimizer.applyGradients(gradients);
        tf.dispose(Object.values(gradients));
        variables.forEach((v, i) => {
          const studio = [...(v.dataSync() as Float32Array)];
          const torch = answers.optimizerSteps[index]![s]![i]!;
          const worst = Math.max(...studio.map((value, k) => Math.abs(value - torch[k]!)));
          expect(worst, `${c.label}: step ${s + 1}, weight ${i}`).toBeLessThan(1e-6);
        });
      });
      optimizer.dispose();
      tf.dispose(variables);
    });
  });

  it('computes the studio\'s label-smoothed loss, of logits and of a softmax output', () => {
    LOSSES.forEach((c, i) => {
      const labels = tf.oneHot(tf.tensor1d(c.labels, 'int32'), c.shape[1]!).toFloat();
      const logits = tf.tensor2d(c.logits, c.shape as [number, number]);
      const loss = trainingLoss(tf, !c.softmax, c.labelSmoothing)(labels, c.softmax ? tf.softmax(logits) : logits);
      const studio = tf.mean(loss).dataSync()[0]!;
      tf.dispose([labels, logits, loss]);
      expect(answers.losses[i], `label smoothing ${c.labelSmoothing}${c.softmax ? ', softmax output' : ''}`).toBeCloseTo(studio, 5);
    });
    expect(answers.losses[2]).not.toBeCloseTo(answers.losses[0]!, 2);
  });

  it('holds out the images the studio holds out, and measures the clean pass on the same ones', () => {
    VALIDATION.forEach((c, i) => {
      const held = validationCount(c.setting, c.count);
      const pixels = new Uint8Array(2 * c.count).map((_, k) => (k % 2 === 0 ? (k / 2) % 256 : Math.floor(k / 2 / 256)));
      const studio = holdOut({ count: c.count, pixels, labels: new Uint8Array(c.count) }, held);
      const imageOf = (split: { pixels: Uint8Array; count: number }) => Array.from({ length: split.count }, (_, k) => split.pixels[2 * k]! + 256 * split.pixels[2 * k + 1]!);
      const got = answers.validation[i]!;
      expect(got.held, `${c.count} images, ${c.setting}`).toBe(c.setting === 'none' ? 'none' : held);
      expect(got.validation, `${c.count} images, ${c.setting}`).toEqual(imageOf(studio.validation));
      expect(got.train).toEqual(imageOf(studio.train));
      expect(got.trainPixels).toEqual(imageOf(studio.train).map((image) => image % 256));
      expect(got.clean).toEqual(imageOf(cleanTrainSample(studio.train)));
    });
    expect(answers.validation[0]!.validation).toHaveLength(5_000);
  });

  it('initialises with TensorFlow\'s Glorot fans and limits', () => {
    // Round 10's kernels, (kh, kw, in, out) in TensorFlow: fans kh·kw·in and kh·kw·out.
    const kernels: Record<string, [number, number, number, number]> = {
      conv1: [3, 3, 1, 8], conv2: [3, 3, 8, 16], conv3: [3, 3, 16, 16], conv4: [3, 3, 16, 32], conv5: [1, 1, 32, 8], conv6: [3, 3, 8, 16], conv7: [1, 1, 16, 10],
    };
    for (const [name, [kh, kw, input, output]] of Object.entries(kernels)) {
      expect(answers.fans[name], name).toEqual([kh * kw * input, kh * kw * output]);
      const limit = Math.sqrt(6 / (kh * kw * (input + output)));
      expect(answers.largestWeight[name]!).toBeLessThanOrEqual(limit);
      expect(answers.largestWeight[name]!).toBeGreaterThan(limit * 0.8);
    }
  });

  it('initialises with Kaiming normal and uniform as PyTorch does: fan in, ReLU gain', () => {
    for (const [name, { fanIn, largest, std, count }] of Object.entries(answers.kaiming.kaimingUniform)) {
      expect(fanIn, name).toBe(answers.fans[name]![0]);
      const bound = Math.sqrt(6 / fanIn);
      expect(largest, name).toBeLessThanOrEqual(bound);
      expect(largest, name).toBeGreaterThan(bound * 0.8);
      if (count >= 1_000) expect(std / (bound / Math.sqrt(3)), name).toBeCloseTo(1, 1);
    }
    for (const [name, { fanIn, std, count }] of Object.entries(answers.kaiming.kaimingNormal)) {
      if (count >= 1_000) expect(std / Math.sqrt(2 / fanIn), name).toBeCloseTo(1, 1);
    }
  });

  it('builds the studio\'s optimizer: plain SGD, SGD with Nesterov momentum, Adam with TensorFlow.js\' epsilon', () => {
    const trainable = 9896; // round 10's, every parameter trainable
    expect(answers.optimizers).toEqual([
      { class: 'SGD', momentum: 0, nesterov: false, eps: null, parameters: trainable },
      { class: 'SGD', momentum: 0.9, nesterov: true, eps: null, parameters: trainable },
      { class: 'Adam', momentum: null, nesterov: null, eps: 1e-7, parameters: trainable },
    ]);
  });

  it('reads an IDX dataset as the studio reads it: EMNIST upright, letters from 0, normalised with its training pixels', async () => {
    const studio = await loadIdxFolder(emnist);
    const got = answers.datasets[0]!;
    const [height, width, channels] = studio.shape;
    expect(got.shape).toEqual([3, channels, height, width]);
    expect(got.pixels).toEqual(Array.from(studio.train.pixels));
    expect(got.labels).toEqual(Array.from(studio.train.labels));
    expect(got.testLabels).toEqual(Array.from(studio.test.labels));
    expect(got.mean).toBeCloseTo(studio.normalization.mean, 12);
    expect(got.std).toBeCloseTo(studio.normalization.std, 12);
  });

  it('writes an IDX dataset beside the script with --with-data, which it reads as the studio reads the original', async () => {
    expect(readdirSync(join(withData.idx, 'data')).sort()).toEqual([
      'emnist-letters-test-images-idx3-ubyte.gz', 'emnist-letters-test-labels-idx1-ubyte.gz', 'emnist-letters-train-images-idx3-ubyte.gz', 'emnist-letters-train-labels-idx1-ubyte.gz',
    ]);
    const studio = await loadIdxFolder(emnist);
    const got = answers.datasets[1]!;
    expect(got.pixels).toEqual(Array.from(studio.train.pixels));
    expect(got.labels).toEqual(Array.from(studio.train.labels));
    expect(got.mean).toBeCloseTo(studio.normalization.mean, 12);
  });

  it('writes an image-folder dataset as IDX files with --with-data: the studio\'s resized images, split and classes', async () => {
    const { dataset: studio } = await openDataset(`images:${photos}?size=4x5&grayscale=1`);
    const got = answers.datasets[2]!;
    expect(got.shape).toEqual([studio.train.count, 1, 4, 5]);
    expect(got.pixels).toEqual(Array.from(studio.train.pixels));
    expect(got.labels).toEqual(Array.from(studio.train.labels));
    expect(got.testLabels).toEqual(Array.from(studio.test.labels));
    expect(got.mean).toBeCloseTo(studio.normalization.mean, 12);
    expect(got.std).toBeCloseTo(studio.normalization.std, 12);
  });
});

// ── training, and its runs in the studio ─────────────────────────────────────

/** The lines of a run's metrics.jsonl. */
function metricLines(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(!runTorch)('the exported training script\'s runs', () => {
  const data = mnistFolder();
  let single: string;
  let pair: string;

  beforeAll(async () => {
    const args = ['--data', data, '--epochs', '1', '--limit', '1000', '--out', runs];
    const one = await run(PYTHON, [join(exported, 'train.py'), ...args], folder);
    expect(one.code, one.output).toBe(0);
    // Debian 12's PyTorch 1.13 on Python 3.11 cannot parse torchrun's default --redirects 0 and --tee 0
    // (an IntFlag change in 3.11); any other value works. --standalone takes a free port: the
    // default 29500 may be another test's on a shared machine.
    const two = await run(PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', join(exported, 'train.py'), ...args], folder);
    expect(two.code, two.output).toBe(0);
    const folders = readdirSync(runs).filter((name) => name !== 'studio-run').sort();
    expect(folders).toHaveLength(2);
    [single, pair] = folders.map((name) => join(runs, name)) as [string, string];
  }, 240_000);

  it('appear in cnn-studio runs next to the studio\'s own run, marked with where they ran', async () => {
    const listed = await runCli(['runs', runs, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const summaries = JSON.parse(listed.stdout) as { dir: string; backend: string; status: string; epochs: number; trainableParams: number; ranOn: unknown; selectedBy: string; bestValidationAccuracy: number | null; trainMeasured: string }[];
    expect(summaries).toHaveLength(3);
    const of = (dir: string) => summaries.find((s) => s.dir === dir)!;
    const where = { framework: expect.stringMatching(/^PyTorch 1\.13/), host: hostname(), device: 'cpu' };
    expect(of(single)).toMatchObject({ backend: 'pytorch-cpu', status: 'finished', epochs: 1, trainableParams: 9896, ranOn: { ...where, worldSize: 1 } });
    expect(of(pair)).toMatchObject({ backend: 'pytorch-cpu', status: 'finished', epochs: 1, trainableParams: 9896, ranOn: { ...where, worldSize: 2 } });
    // The best epoch was chosen on the validation split, and the train accuracy measured in a clean pass, as the studio does.
    for (const dir of [single, pair]) expect(of(dir)).toMatchObject({ selectedBy: 'validation', bestValidationAccuracy: expect.any(Number), trainMeasured: 'clean' });
    expect(summaries.find((s) => s.backend === 'wasm')?.ranOn).toBeNull();
    const table = await runCli(['runs', runs]);
    expect(table.stdout).toContain(`pytorch-cpu ×2 on ${hostname()}`);
    // The run folder holds what the studio writes, and the best model as ONNX.
    expect(readdirSync(pair).sort()).toEqual(['graph.json', 'metrics.jsonl', 'models', 'run.json', 'settings.json']);
    // The split as the studio records it: a twelfth of the 1,000 images, rounded.
    expect(JSON.parse(readFileSync(join(pair, 'settings.json'), 'utf8'))).toMatchObject({ epochs: 1, limit: 1000, batchSize: 128, learningRate: 0.05, validation: 83 });
    const lines = metricLines(pair);
    const epoch = lines.at(-1)!;
    // The batch lines before it, as the studio writes them: the rate and (without cycling) no momentum.
    expect(lines.slice(0, -1).length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ type: 'batch', epoch: 1, batch: 1, learningRate: 0.05, momentum: null, loss: expect.any(Number), accuracy: expect.any(Number) });
    expect(epoch).toMatchObject({ cleanTrainAccuracy: expect.any(Number), validationAccuracy: expect.any(Number), validationLoss: expect.any(Number), selectedBy: 'validation', bestEpoch: 1 });
    expect(JSON.parse(readFileSync(join(pair, 'run.json'), 'utf8'))).toMatchObject({ selectedBy: 'validation', bestValidationAccuracy: epoch.validationAccuracy, epochsPlanned: 1 });
  });

  it('evaluate in the studio to the test accuracy they recorded', async () => {
    for (const dir of [single, pair]) {
      const recorded = metricLines(dir).find((line) => line.type === 'epoch') as { testAccuracy: number; testLoss: number };
      const result = await runCli(['eval', dir, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const evaluation = JSON.parse(result.stdout) as { accuracy: number; images: number; loss: number };
      expect(evaluation.images).toBe(1000);
      expect(evaluation.accuracy).toBe(recorded.testAccuracy);
      expect(evaluation.loss).toBeCloseTo(recorded.testLoss, 4);
    }
  }, 120_000);

  it('are read, compared and evaluated by the studio\'s service like its own runs', async () => {
    const { service } = serviceWithoutTraining({ workspace, runs, state: join(folder, 'state') });
    const listing = await service.listRuns();
    expect(listing.runs).toHaveLength(3);
    const details = await Promise.all(listing.runs.map((r) => service.runDetails(r.id)));
    for (const detail of details) expect(detail.epochs.length).toBeGreaterThan(0);
    const torchRun = listing.runs.find((r) => r.ranOn?.worldSize === 2)!;
    const evaluation = await service.evaluateRun(torchRun.id, 'best');
    expect(evaluation.accuracy).toBe(torchRun.bestTestAccuracy);
    const diff = await runCli(['diff', single, pair]);
    expect(diff.code, diff.stderr).toBe(0);
  }, 120_000);

  it('train with every recipe setting at once: AdamW, label smoothing, Kaiming, warm-up and cycled one-cycle, affine and erasing, a numbered split', async () => {
    const design = {
      ...loadPreset(journeyPath(10)),
      training: trainingSettingsSchema.parse({
        optimizer: 'adamw', weightDecay: 0.01, labelSmoothing: 0.1, init: 'kaimingUniform', learningRate: 0.01, batchSize: 64, validation: 50,
        schedule: { type: 'oneCycle', cycleMomentum: true }, warmup: { epochs: 0.5 },
        augment: { rotate: 10, shift: 2, scale: 0.1, shear: 8, erase: 0.5 },
      }),
    };
    writeFileSync(join(folder, 'recipes-design.json'), JSON.stringify(design));
    const exportedRecipes = join(folder, 'exported-recipes');
    const result = await runCli(['export', join(folder, 'recipes-design.json'), '--format', 'pytorch-train', '--out', exportedRecipes]);
    expect(result.code, result.stderr).toBe(0);
    const out = join(folder, 'recipe-runs');
    const trained = await run(PYTHON, [join(exportedRecipes, 'train.py'), '--data', data, '--epochs', '2', '--limit', '400', '--out', out], folder);
    expect(trained.code, trained.output).toBe(0);
    const [dir] = readdirSync(out).map((name) => join(out, name));
    const lines = metricLines(dir!);
    const epochs = lines.filter((line) => line.type === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs[1]).toMatchObject({ selectedBy: 'validation', validationAccuracy: expect.any(Number) });
    // One-cycle cycles the momentum between its base and max, from max during the warm-up.
    const momenta = lines.filter((line) => line.type === 'batch').map((line) => line.momentum as number);
    expect(momenta.every((m) => m >= 0.85 && m <= 0.95)).toBe(true);
    const listed = await runCli(['runs', out, '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ status: 'finished', selectedBy: 'validation', epochs: 2 }]);
  }, 120_000);

  it('export to ONNX and PyTorch like the studio\'s runs', async () => {
    const onnx = await runCli(['export', pair, '--format', 'onnx', '--out', join(folder, 'pair.onnx')]);
    expect(onnx.code, onnx.stderr).toBe(0);
    const summary = await runCli(['summary', join(folder, 'pair.onnx')]);
    expect(summary.stdout).toContain('Trainable params:       9,896');
  }, 60_000);
});

// ── refusals ─────────────────────────────────────────────────────────────────

describe('cnn-studio export --format pytorch-train', () => {
  it('needs a folder, and an image-folder dataset needs --with-data', async () => {
    const noOut = await runCli(['export', journeyPath(10), '--format', 'pytorch-train']);
    expect(noOut.stderr.trim()).toBe('error: --format pytorch-train needs --out FOLDER for train.py');
    const design = { ...loadPreset(journeyPath(10)), training: trainingSettingsSchema.parse({ dataset: 'images:photos?size=28x28&grayscale=1' }) };
    writeFileSync(join(folder, 'images-design.json'), JSON.stringify(design));
    const images = await runCli(['export', join(folder, 'images-design.json'), '--format', 'pytorch-train', '--out', join(folder, 'x')]);
    expect(images.code).toBe(2);
    expect(images.stderr.trim()).toBe('error: the design trains on the image folder photos, which the script reads as IDX files: export with --with-data to write them (the studio\'s own resizing and split)');
  });
});
