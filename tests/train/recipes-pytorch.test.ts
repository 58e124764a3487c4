/**
 * The training recipes against PyTorch 1.13's own implementation (Debian's python3-torch, one
 * Python process for every case, pytorch_recipes.py):
 *   - optimizer updates: the same initial weights and gradients give the same weights after each
 *     of four steps, to 1e-6: SGD with momentum, Nesterov and L2 weight decay, plain SGD with
 *     decay, Adam with L2, AdamW's decoupled decay, and a momentum (β1) changed between steps as
 *     one-cycle's cycling does;
 *   - the label-smoothed cross-entropy, on logits and on a softmax output;
 *   - the learning rate of every batch of the step, multi-step, cosine and one-cycle schedules, with
 *     and without a linear warm-up before them, and one-cycle's cycled momentum.
 *
 * Without torch the file is skipped with one line saying how to get it, except in CI (CI=true),
 * where that fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../main/backends/ladder.ts';
import { seededRandom, uniform } from '../../main/data/random.ts';
import { trainingSettingsSchema, type ScheduleSettings, type TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import { trainingLoss } from '../../main/train/loss.ts';
import { createOptimizer } from '../../main/train/optimizers.ts';
import { createSchedule } from '../../main/train/schedules.ts';
import { GET_TORCH, hasPyTorch, PYTHON, TORCH_REQUIRED } from '../support/real-pytorch.ts';

const SCRIPT = fileURLToPath(new URL('./pytorch_recipes.py', import.meta.url));
const RUN = hasPyTorch();
if (!RUN && !TORCH_REQUIRED) console.warn(`skipping the PyTorch recipe checks: ${GET_TORCH}`);

describe.runIf(!RUN && TORCH_REQUIRED)('PyTorch in CI', () => {
  it('is installed, so that the recipes are checked against it', () => {
    throw new Error(GET_TORCH);
  });
});

// ---- the cases -------------------------------------------------------------------------------

interface OptimizerCase {
  label: string;
  settings: TrainingSettingsInput;
  /** Per step: the learning rate and, where one-cycle would change it, the momentum (β1). */
  steps: { lr: number; momentum?: number }[];
}

const OPTIMIZER_CASES: OptimizerCase[] = [
  { label: 'SGD with momentum and weight decay', settings: { optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, steps: [{ lr: 0.1 }, { lr: 0.1 }, { lr: 0.05 }, { lr: 0.01 }] },
  { label: 'SGD, Nesterov, weight decay', settings: { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, steps: [{ lr: 0.1 }, { lr: 0.08 }, { lr: 0.06 }, { lr: 0.04 }] },
  { label: 'plain SGD with weight decay (no momentum buffer)', settings: { optimizer: 'sgd', momentum: 0, weightDecay: 0.01 }, steps: [{ lr: 0.2 }, { lr: 0.2 }, { lr: 0.1 }, { lr: 0.1 }] },
  {
    label: 'SGD with the momentum cycled between steps',
    settings: { optimizer: 'sgd', momentum: 0.95, weightDecay: 5e-4, schedule: { type: 'oneCycle', cycleMomentum: true } },
    steps: [{ lr: 0.01, momentum: 0.95 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.1, momentum: 0.85 }, { lr: 0.05, momentum: 0.9 }],
  },
  { label: 'Adam with L2 weight decay', settings: { optimizer: 'adam', weightDecay: 1e-3, epsilon: 1e-8 }, steps: [{ lr: 1e-3 }, { lr: 1e-3 }, { lr: 2e-3 }, { lr: 5e-4 }] },
  { label: 'Adam with its own betas and epsilon, no decay', settings: { optimizer: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }, steps: [{ lr: 0.01 }, { lr: 0.01 }, { lr: 0.01 }, { lr: 0.01 }] },
  { label: 'AdamW with decoupled weight decay', settings: { optimizer: 'adamw', weightDecay: 0.05, epsilon: 1e-8 }, steps: [{ lr: 1e-2 }, { lr: 1e-2 }, { lr: 5e-3 }, { lr: 1e-3 }] },
  {
    label: 'AdamW with β1 cycled between steps',
    settings: { optimizer: 'adamw', weightDecay: 0.01, schedule: { type: 'oneCycle', cycleMomentum: true } },
    steps: [{ lr: 4e-4, momentum: 0.95 }, { lr: 5e-3, momentum: 0.9 }, { lr: 1e-2, momentum: 0.85 }, { lr: 3e-3, momentum: 0.92 }],
  },
];

/** Weight shapes like a small network's: a conv kernel, a bias, a BatchNorm γ, a dense kernel. */
const SHAPES = [[3, 3, 1, 4], [4], [4], [16, 10]];

function randomValues(random: () => number, count: number, scale: number): number[] {
  return Array.from({ length: count }, () => Math.fround(uniform(random, -scale, scale)));
}

function optimizerInputs(index: number) {
  const random = seededRandom(100 + index);
  const weights = SHAPES.map((shape) => ({ shape, values: randomValues(random, shape.reduce((a, b) => a * b), 0.5) }));
  const grads = OPTIMIZER_CASES[index]!.steps.map(() => SHAPES.map((shape) => randomValues(random, shape.reduce((a, b) => a * b), 0.2)));
  return { weights, grads };
}

const LOSS_CASES = [0, 0.1, 0.3].flatMap((labelSmoothing) =>
  [[8, 10], [5, 3]].map(([rows, classes], i) => {
    const random = seededRandom(7 + i);
    return { labelSmoothing, shape: [rows!, classes!], logits: randomValues(random, rows! * classes!, 4), labels: Array.from({ length: rows! }, (_, r) => (r * 7 + 3) % classes!) };
  }),
);

interface ScheduleCase {
  label: string;
  schedule: TrainingSettingsInput['schedule'];
  optimizer: 'sgd' | 'adam';
  learningRate: number;
  epochs: number;
  batches: number;
  warmup: { epochs: number; startFactor: number };
}

const noWarmup = { epochs: 0, startFactor: 1 / 3 };
const SCHEDULE_CASES: ScheduleCase[] = [
  { label: 'step', schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, optimizer: 'sgd', learningRate: 0.1, epochs: 6, batches: 7, warmup: noWarmup },
  { label: 'step after a 1-epoch warm-up', schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, optimizer: 'sgd', learningRate: 0.1, epochs: 6, batches: 7, warmup: { epochs: 1, startFactor: 0.1 } },
  { label: 'multi-step', schedule: { type: 'multiStep', milestones: [2, 4], gamma: 0.1 }, optimizer: 'sgd', learningRate: 0.05, epochs: 5, batches: 9, warmup: noWarmup },
  { label: 'multi-step after a warm-up', schedule: { type: 'multiStep', milestones: [2, 4], gamma: 0.1 }, optimizer: 'sgd', learningRate: 0.05, epochs: 6, batches: 9, warmup: { epochs: 2, startFactor: 1 / 3 } },
  { label: 'cosine', schedule: { type: 'cosine', minLr: 0 }, optimizer: 'sgd', learningRate: 0.1, epochs: 4, batches: 25, warmup: noWarmup },
  { label: 'cosine to a floor after a fractional warm-up', schedule: { type: 'cosine', minLr: 1e-4 }, optimizer: 'adam', learningRate: 3e-3, epochs: 5, batches: 20, warmup: { epochs: 0.5, startFactor: 0.01 } },
  { label: 'constant after a warm-up', schedule: { type: 'constant' }, optimizer: 'sgd', learningRate: 0.02, epochs: 3, batches: 10, warmup: { epochs: 1.5, startFactor: 0.2 } },
  { label: 'one-cycle, PyTorch defaults, momentum cycled', schedule: { type: 'oneCycle', cycleMomentum: true }, optimizer: 'sgd', learningRate: 0.1, epochs: 5, batches: 47, warmup: noWarmup },
  {
    label: 'one-cycle whose rising phase ends between steps (pct × T not whole)',
    schedule: { type: 'oneCycle', pctStart: 0.27, divFactor: 10, finalDivFactor: 100, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 },
    optimizer: 'sgd',
    learningRate: 0.05,
    epochs: 3,
    batches: 33,
    warmup: noWarmup,
  },
  { label: 'one-cycle on Adam, β1 cycled', schedule: { type: 'oneCycle', pctStart: 0.25, cycleMomentum: true }, optimizer: 'adam', learningRate: 0.01, epochs: 4, batches: 15, warmup: noWarmup },
  { label: 'one-cycle after a warm-up, momentum cycled', schedule: { type: 'oneCycle', cycleMomentum: true }, optimizer: 'sgd', learningRate: 0.1, epochs: 4, batches: 20, warmup: { epochs: 1, startFactor: 0.5 } },
];

function parsedSchedule(c: ScheduleCase): ScheduleSettings {
  return trainingSettingsSchema.parse({ schedule: c.schedule }).schedule;
}

// ---- PyTorch ---------------------------------------------------------------------------------

type TorchResult = { error?: string; weights?: number[][][]; loss?: number; rates?: number[]; momenta?: number[] };

function runPyTorch(cases: object[]): { torch: string; results: TorchResult[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-recipes-'));
  try {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ cases }));
    const run = spawnSync(PYTHON, [SCRIPT, join(dir, 'manifest.json'), join(dir, 'results.json')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${PYTHON} ${SCRIPT} exited with ${run.status}:\n${run.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { torch: string; results: TorchResult[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(RUN)('training recipes against PyTorch 1.13', () => {
  let torch: { torch: string; results: TorchResult[] };
  let optimizers: TorchResult[];
  let losses: TorchResult[];
  let schedules: TorchResult[];

  beforeAll(async () => {
    await loadBackend('wasm');
    const optimizerCases = OPTIMIZER_CASES.map((c, i) => {
      const settings = trainingSettingsSchema.parse(c.settings);
      const { weights, grads } = optimizerInputs(i);
      return { kind: 'optimizer', optimizer: settings.optimizer, momentum: settings.momentum, nesterov: settings.nesterov, beta1: settings.beta1, beta2: settings.beta2, epsilon: settings.epsilon, weightDecay: settings.weightDecay, weights, steps: c.steps.map((step, s) => ({ ...step, grads: grads[s] })) };
    });
    const lossCases = LOSS_CASES.map((c) => ({ kind: 'loss', ...c }));
    const scheduleCases = SCHEDULE_CASES.map((c) => ({
      kind: 'schedule',
      schedule: parsedSchedule(c),
      optimizer: c.optimizer,
      learningRate: c.learningRate,
      epochs: c.epochs,
      batches: c.batches,
      // Whole batches, as the studio counts them (the cases' warm-ups end on one).
      warmupSteps: c.warmup.epochs * c.batches,
      warmupStartFactor: c.warmup.startFactor,
    }));
    torch = runPyTorch([...optimizerCases, ...lossCases, ...scheduleCases]);
    optimizers = torch.results.slice(0, optimizerCases.length);
    losses = torch.results.slice(optimizerCases.length, optimizerCases.length + lossCases.length);
    schedules = torch.results.slice(optimizerCases.length + lossCases.length);
  }, 120_000);

  it('is PyTorch 1.13', () => {
    expect(torch.torch).toMatch(/^1\.13/);
  });

  it.each(OPTIMIZER_CASES.map((c, i) => [c.label, i] as const))('%s: the same weights after every step, to 1e-6', (_label, index) => {
    const expected = optimizers[index]!;
    expect(expected.error).toBeUndefined();
    const c = OPTIMIZER_CASES[index]!;
    const { weights, grads } = optimizerInputs(index);
    const settings = trainingSettingsSchema.parse(c.settings);
    const variables = weights.map((w, i) => tf.variable(tf.tensor(w.values, w.shape), true, `recipes_${index}_${i}_${Date.now()}`));
    const optimizer = createOptimizer(tf, settings, c.steps[0]!.lr);
    try {
      c.steps.forEach((step, s) => {
        optimizer.setLearningRate(step.lr);
        if (step.momentum !== undefined) optimizer.setMomentum(step.momentum);
        const gradients = Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(grads[s]![i]!, v.shape)]));
        optimizer.applyGradients(gradients);
        tf.dispose(Object.values(gradients));
        variables.forEach((v, i) => {
          const ours = [...(v.dataSync() as Float32Array)];
          const theirs = expected.weights![s]![i]!;
          const worst = Math.max(...ours.map((value, k) => Math.abs(value - theirs[k]!)));
          expect(worst, `step ${s + 1}, weight ${i}`).toBeLessThan(1e-6);
        });
      });
      // The updates did something: the weights moved from where they started.
      expect(variables[0]!.dataSync()[0]).not.toBe(Math.fround(weights[0]!.values[0]!));
    } finally {
      optimizer.dispose();
      tf.dispose(variables);
    }
  });

  it.each(LOSS_CASES.map((c, i) => [c.labelSmoothing, c.shape.join('×'), i] as const))('label smoothing %s on %s scores: the cross-entropy PyTorch computes', (_smoothing, _shape, index) => {
    const c = LOSS_CASES[index]!;
    const expected = losses[index]!;
    expect(expected.error).toBeUndefined();
    const [rows, classes] = c.shape as [number, number];
    const logits = tf.tensor2d(c.logits, [rows, classes]);
    const oneHot = tf.oneHot(tf.tensor1d(c.labels, 'int32'), classes).toFloat();
    const fromLogits = trainingLoss(tf, true, c.labelSmoothing);
    const fromProbabilities = trainingLoss(tf, false, c.labelSmoothing);
    const probabilities = tf.softmax(logits);
    const onLogits = tf.mean(fromLogits(oneHot, logits)).dataSync()[0]!;
    const onProbabilities = tf.mean(fromProbabilities(oneHot, probabilities)).dataSync()[0]!;
    expect(Math.abs(onLogits - expected.loss!)).toBeLessThan(1e-5 * Math.max(1, expected.loss!));
    expect(Math.abs(onProbabilities - expected.loss!)).toBeLessThan(1e-5 * Math.max(1, expected.loss!));
    tf.dispose([logits, oneHot, probabilities]);
  });

  it('label smoothing changes the loss (the cases are not all the same number)', () => {
    const first = new Set(LOSS_CASES.map((c, i) => (c.shape[0] === 8 ? losses[i]!.loss : undefined)).filter((v) => v !== undefined));
    expect(first.size).toBe(3);
  });

  it.each(SCHEDULE_CASES.map((c, i) => [c.label, i] as const))('%s: the rate (and the cycled momentum) of every batch', (_label, index) => {
    const c = SCHEDULE_CASES[index]!;
    const expected = schedules[index]!;
    expect(expected.error).toBeUndefined();
    const settings = parsedSchedule(c);
    const schedule = createSchedule(settings, c.learningRate, c.epochs, c.batches, c.warmup);
    const rates: number[] = [];
    const momenta: (number | null)[] = [];
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      for (let batch = 0; batch < c.batches; batch++) {
        rates.push(schedule.rate(epoch, batch));
        momenta.push(schedule.momentum(epoch, batch));
      }
    }
    expect(rates).toHaveLength(expected.rates!.length);
    rates.forEach((rate, step) => expect(Math.abs(rate - expected.rates![step]!), `step ${step}: ${rate} vs ${expected.rates![step]}`).toBeLessThanOrEqual(1e-9 * expected.rates![step]! + 1e-15));
    if (settings.type === 'oneCycle' && settings.cycleMomentum) {
      momenta.forEach((momentum, step) => expect(Math.abs(momentum! - expected.momenta![step]!), `momentum at step ${step}`).toBeLessThan(1e-9));
    } else {
      expect(new Set(momenta)).toEqual(new Set([null]));
    }
  });
});
