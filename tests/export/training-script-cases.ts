/**
 * The cases tests/export/training-script.test.ts asks the exported train.py and the studio alike:
 * schedules (with warm-ups), optimizer steps, losses, validation splits and erasing.
 */
import { seededRandom, uniform } from '../../main/data/random.ts';
import type { ScheduleSettings, TrainingSettingsInput, ValidationSetting } from '../../main/graph/training-settings.ts';
import type { WarmupSettings } from '../../main/train/schedules.ts';

/** One-cycle with PyTorch's defaults besides the ones each case sets. */
const ONE_CYCLE = { type: 'oneCycle', pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, cycleMomentum: false, baseMomentum: 0.85, maxMomentum: 0.95 } as const;
const ones = (n: number) => Array.from({ length: n }, () => 1);

export const SCHEDULES: { schedule: ScheduleSettings; learningRate: number; epochs: number; batchesPerEpoch: number; testLosses: number[]; warmup?: WarmupSettings }[] = [
  { schedule: { type: 'constant' }, learningRate: 0.01, epochs: 2, batchesPerEpoch: 3, testLosses: [1, 1] },
  { schedule: { type: 'step', stepSize: 2, gamma: 0.1 }, learningRate: 0.05, epochs: 7, batchesPerEpoch: 2, testLosses: ones(7) },
  { schedule: ONE_CYCLE, learningRate: 0.1, epochs: 4, batchesPerEpoch: 5, testLosses: ones(4) },
  // 0.25 · 4 · 2 = 2 steps, and 0.27 · 3 · 11: the first phase ends on a step, and between two.
  { schedule: { ...ONE_CYCLE, pctStart: 0.25, divFactor: 10, finalDivFactor: 100 }, learningRate: 0.4, epochs: 2, batchesPerEpoch: 5, testLosses: [1, 1] },
  { schedule: { ...ONE_CYCLE, pctStart: 0.27, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 }, learningRate: 0.05, epochs: 3, batchesPerEpoch: 11, testLosses: ones(3) },
  { schedule: { ...ONE_CYCLE, cycleMomentum: true }, learningRate: 0.1, epochs: 4, batchesPerEpoch: 6, testLosses: ones(4), warmup: { epochs: 1, startFactor: 0.5 } },
  { schedule: { type: 'plateau', factor: 0.5, patience: 1, minLr: 0.002 }, learningRate: 0.02, epochs: 8, batchesPerEpoch: 1, testLosses: [1, 0.9, 0.95, 0.91, 0.8999, 0.93, 0.94, 0.95] },
  { schedule: { type: 'multiStep', milestones: [2, 4], gamma: 0.1 }, learningRate: 0.05, epochs: 5, batchesPerEpoch: 3, testLosses: ones(5) },
  { schedule: { type: 'multiStep', milestones: [1, 3], gamma: 0.5 }, learningRate: 0.05, epochs: 5, batchesPerEpoch: 4, testLosses: ones(5), warmup: { epochs: 1.5, startFactor: 0.1 } },
  { schedule: { type: 'cosine', minLr: 0 }, learningRate: 0.1, epochs: 3, batchesPerEpoch: 7, testLosses: ones(3) },
  // A fractional warm-up: 0.3 · 7 = 2.1 batches, rounded as the studio rounds.
  { schedule: { type: 'cosine', minLr: 1e-4 }, learningRate: 3e-3, epochs: 3, batchesPerEpoch: 7, testLosses: ones(3), warmup: { epochs: 0.3, startFactor: 0.01 } },
  { schedule: { type: 'step', stepSize: 1, gamma: 0.5 }, learningRate: 0.1, epochs: 4, batchesPerEpoch: 4, testLosses: ones(4), warmup: { epochs: 0.5, startFactor: 1 / 3 } },
  { schedule: { type: 'constant' }, learningRate: 0.02, epochs: 2, batchesPerEpoch: 10, testLosses: [1, 1], warmup: { epochs: 1.5, startFactor: 0.2 } },
];

/** Optimizer cases: per step the learning rate and, where one-cycle cycles it, the momentum (Adam's β1). */
export const OPTIMIZER_STEPS: { label: string; settings: TrainingSettingsInput; steps: { lr: number; momentum?: number }[] }[] = [
  { label: 'SGD, momentum, weight decay', settings: { optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, steps: [{ lr: 0.1 }, { lr: 0.1 }, { lr: 0.05 }] },
  { label: 'SGD, Nesterov, weight decay', settings: { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, steps: [{ lr: 0.1 }, { lr: 0.08 }, { lr: 0.06 }] },
  { label: 'plain SGD, weight decay', settings: { optimizer: 'sgd', momentum: 0, weightDecay: 0.01 }, steps: [{ lr: 0.2 }, { lr: 0.1 }] },
  {
    label: 'SGD, momentum cycled',
    settings: { optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4, schedule: { type: 'oneCycle', cycleMomentum: true } },
    steps: [{ lr: 0.01, momentum: 0.95 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.1, momentum: 0.85 }],
  },
  {
    label: 'SGD, Nesterov, momentum cycled down to 0 and back',
    settings: { optimizer: 'sgd', momentum: 0, nesterov: true, schedule: { type: 'oneCycle', cycleMomentum: true, baseMomentum: 0, maxMomentum: 0.9 } },
    steps: [{ lr: 0.01, momentum: 0 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.1, momentum: 0 }, { lr: 0.05, momentum: 0.5 }],
  },
  { label: 'Adam, L2 decay, own betas and epsilon', settings: { optimizer: 'adam', weightDecay: 1e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }, steps: [{ lr: 1e-2 }, { lr: 1e-2 }, { lr: 5e-3 }] },
  { label: 'AdamW, decoupled decay', settings: { optimizer: 'adamw', weightDecay: 0.05 }, steps: [{ lr: 1e-2 }, { lr: 1e-2 }, { lr: 5e-3 }] },
  {
    label: 'AdamW, β1 cycled',
    settings: { optimizer: 'adamw', weightDecay: 0.01, schedule: { type: 'oneCycle', cycleMomentum: true } },
    steps: [{ lr: 4e-4, momentum: 0.95 }, { lr: 5e-3, momentum: 0.9 }, { lr: 1e-2, momentum: 0.85 }],
  },
];
const WEIGHT_SHAPES = [[3, 3, 1, 4], [4], [6, 5]];

export function floats(random: () => number, count: number, scale: number): number[] {
  return Array.from({ length: count }, () => Math.fround(uniform(random, -scale, scale)));
}

/** The same weights and gradients for the studio and the script, from a seed per case. */
export function optimizerInputs(index: number) {
  const random = seededRandom(300 + index);
  const size = (shape: number[]) => shape.reduce((a, b) => a * b);
  const weights = WEIGHT_SHAPES.map((shape) => ({ shape, values: floats(random, size(shape), 0.5) }));
  const grads = OPTIMIZER_STEPS[index]!.steps.map(() => WEIGHT_SHAPES.map((shape) => floats(random, size(shape), 0.2)));
  return { weights, grads };
}

export const LOSSES = [0, 0.1, 0.3].flatMap((labelSmoothing) =>
  [false, true].map((softmax, i) => {
    const random = seededRandom(40 + i);
    return { labelSmoothing, softmax, shape: [6, 4], logits: floats(random, 24, 3), labels: [0, 3, 1, 2, 2, 0] };
  }),
);

/** Training-set sizes and validation settings: MNIST's, --limit's, a round twelfth, a number, none. */
export const VALIDATION: { count: number; setting: ValidationSetting }[] = [
  { count: 60_000, setting: 'auto' },
  { count: 1_000, setting: 'auto' },
  // 30 / 12 = 2.5: JavaScript rounds the half up, Python's round() to even.
  { count: 30, setting: 'auto' },
  { count: 12_000, setting: 'auto' },
  { count: 7, setting: 3 },
  { count: 10, setting: 'none' },
];

/** Erasing on a 7×9 image with areas large enough that some tries do not fit. */
export const ERASING = { height: 7, width: 9, settings: { erase: 0.8, eraseArea: [0.1, 0.6] as [number, number], eraseRatio: [0.3, 3.3] as [number, number] } };
