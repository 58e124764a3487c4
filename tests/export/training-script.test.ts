/**
 * The exported PyTorch training script (`cnn-studio export <graph> --format pytorch-train`):
 *
 *   - it computes what the studio computes where the two must agree: the learning rate before
 *     every batch for every schedule, the augmented images for given angles and shifts, the
 *     initialisation's fans, the optimizer, the dataset it reads (EMNIST turned upright, labels
 *     shifted, normalisation from the training pixels), asked in one Python process;
 *   - it trains, in real PyTorch on the CPU, 1 epoch on 1,000 MNIST images in one process and with
 *     `torchrun --nproc_per_node=2` (gloo), and both runs come back into the studio: `cnn-studio
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
import { augmentInto } from '../../main/data/augment.ts';
import { openDataset } from '../../main/data/datasets.ts';
import { loadIdxFolder } from '../../main/data/idx-folder.ts';
import { mnistFolder } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import type { ScheduleSettings } from '../../main/graph/training-settings.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createSchedule } from '../../main/train/schedules.ts';
import { runCli } from '../support/cli.ts';
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

/** One-cycle without momentum cycling: train.py's schedules set the learning rate only. */
const NO_CYCLING = { cycleMomentum: false, baseMomentum: 0.85, maxMomentum: 0.95 };

const SCHEDULES: { schedule: ScheduleSettings; learningRate: number; epochs: number; batchesPerEpoch: number; testLosses: number[] }[] = [
  { schedule: { type: 'constant' }, learningRate: 0.01, epochs: 2, batchesPerEpoch: 3, testLosses: [1, 1] },
  { schedule: { type: 'step', stepSize: 2, gamma: 0.1 }, learningRate: 0.05, epochs: 7, batchesPerEpoch: 2, testLosses: [1, 1, 1, 1, 1, 1, 1] },
  { schedule: { type: 'oneCycle', pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, ...NO_CYCLING }, learningRate: 0.1, epochs: 4, batchesPerEpoch: 5, testLosses: [1, 1, 1, 1] },
  // 0.25 · 4 · 2 = 2 steps: where JavaScript's and Python's rounding of halves differ.
  { schedule: { type: 'oneCycle', pctStart: 0.25, divFactor: 10, finalDivFactor: 100, ...NO_CYCLING }, learningRate: 0.4, epochs: 2, batchesPerEpoch: 5, testLosses: [1, 1] },
  { schedule: { type: 'plateau', factor: 0.5, patience: 1, minLr: 0.002 }, learningRate: 0.02, epochs: 8, batchesPerEpoch: 1, testLosses: [1, 0.9, 0.95, 0.91, 0.8999, 0.93, 0.94, 0.95] },
];

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
    schedules: number[][][];
    augment: number[];
    fans: Record<string, [number, number]>;
    largestWeight: Record<string, number>;
    optimizers: { class: string; momentum?: number; nesterov?: boolean; eps?: number; parameters: number }[];
    datasets: { shape: number[]; pixels: number[]; labels: number[]; testLabels: number[]; mean: number; std: number }[];
  };
  const random = seededRandom(5);
  const shape: [number, number, number] = [7, 9, 2];
  const pixels = Array.from({ length: 3 * 7 * 9 * 2 }, () => Math.floor(random() * 256));
  const moves = [
    { u: [0.1, 0.5, 0.9], rotate: 30, shift: 2 },
    { u: [0.75, 0.2, 0.6], rotate: 7, shift: 0 },
    { u: [0.5, 0.99, 0.01], rotate: 180, shift: 3.5 },
  ];
  const emnist = join(folder, 'emnist-letters');
  const photos = join(folder, 'photos');
  /** Designs that train on the two datasets, exported with --with-data. */
  const withData = { idx: join(folder, 'exported-idx'), images: join(folder, 'exported-images') };

  beforeAll(async () => {
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
        // The angle and shifts each move draws, as augment.ts turns its three uniform numbers into them.
        angles: moves.map((m) => ((-m.rotate + 2 * m.rotate * m.u[0]!) * Math.PI) / 180),
        dx: moves.map((m) => -m.shift + 2 * m.shift * m.u[1]!),
        dy: moves.map((m) => -m.shift + 2 * m.shift * m.u[2]!),
      },
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

  it('gives the studio\'s learning rate before every batch, for every schedule', () => {
    SCHEDULES.forEach((c, i) => {
      const studio = createSchedule(c.schedule, c.learningRate, c.epochs, c.batchesPerEpoch);
      const expected: number[][] = [];
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        expected.push(Array.from({ length: c.batchesPerEpoch }, (_, b) => studio.rate(epoch, b)));
        studio.epochEnded(c.testLosses[epoch]!);
      }
      const got = answers.schedules[i]!;
      expected.forEach((rates, epoch) => rates.forEach((rate, b) => expect(got[epoch]![b], `${c.schedule.type} epoch ${epoch} batch ${b}`).toBeCloseTo(rate, 12)));
    });
  });

  it('rotates and shifts an image as the studio does', () => {
    const size = shape[0] * shape[1] * shape[2];
    moves.forEach((move, n) => {
      const target = new Float32Array(size);
      let draw = 0;
      augmentInto(target, 0, Uint8Array.from(pixels), n * size, shape, { rotate: move.rotate, shift: move.shift }, () => move.u[draw++]!);
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

describe.skipIf(!runTorch)('the exported training script\'s runs', () => {
  const data = mnistFolder();
  let single: string;
  let pair: string;

  beforeAll(async () => {
    const args = ['--data', data, '--epochs', '1', '--limit', '1000', '--out', runs];
    const one = await run(PYTHON, [join(exported, 'train.py'), ...args], folder);
    expect(one.code, one.output).toBe(0);
    // Debian 12's PyTorch 1.13 on Python 3.11 cannot parse torchrun's default --redirects 0 and --tee 0
    // (an IntFlag change in 3.11); any other value works.
    const two = await run(PYTHON, ['-m', 'torch.distributed.run', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', join(exported, 'train.py'), ...args], folder);
    expect(two.code, two.output).toBe(0);
    const folders = readdirSync(runs).filter((name) => name !== 'studio-run').sort();
    expect(folders).toHaveLength(2);
    [single, pair] = folders.map((name) => join(runs, name)) as [string, string];
  }, 240_000);

  it('appear in cnn-studio runs next to the studio\'s own run, marked with where they ran', async () => {
    const listed = await runCli(['runs', runs, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const summaries = JSON.parse(listed.stdout) as { dir: string; backend: string; status: string; epochs: number; trainableParams: number; ranOn: unknown }[];
    expect(summaries).toHaveLength(3);
    const of = (dir: string) => summaries.find((s) => s.dir === dir)!;
    const where = { framework: expect.stringMatching(/^PyTorch 1\.13/), host: hostname(), device: 'cpu' };
    expect(of(single)).toMatchObject({ backend: 'pytorch-cpu', status: 'finished', epochs: 1, trainableParams: 9896, ranOn: { ...where, worldSize: 1 } });
    expect(of(pair)).toMatchObject({ backend: 'pytorch-cpu', status: 'finished', epochs: 1, trainableParams: 9896, ranOn: { ...where, worldSize: 2 } });
    expect(summaries.find((s) => s.backend === 'wasm')?.ranOn).toBeNull();
    const table = await runCli(['runs', runs]);
    expect(table.stdout).toContain(`pytorch-cpu ×2 on ${hostname()}`);
    // The run folder holds what the studio writes, and the best model as ONNX.
    expect(readdirSync(pair).sort()).toEqual(['graph.json', 'metrics.jsonl', 'models', 'run.json', 'settings.json']);
    expect(JSON.parse(readFileSync(join(pair, 'settings.json'), 'utf8'))).toMatchObject({ epochs: 1, limit: 1000, batchSize: 128, learningRate: 0.05 });
  });

  it('evaluate in the studio to the test accuracy they recorded', async () => {
    for (const dir of [single, pair]) {
      const recorded = JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')[0]!) as { testAccuracy: number; testLoss: number };
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
