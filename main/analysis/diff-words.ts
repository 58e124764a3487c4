/**
 * A design difference in words, for people comparing runs: "Schedule: constant → step (StepLR)",
 * "conv4: filters 16 → 32", "Added dropout5 (Dropout rate 0.1)". The CLI's `diff` keeps the
 * terse form of graph-diff.ts; the words here name settings as the studio's forms do.
 */
import { formatPair } from './format.ts';
import type { GraphDiff, SettingChange } from './graph-diff.ts';

/** Training settings by their dotted key, as the training form labels them. */
const TRAINING_NAMES: Record<string, string> = {
  dataset: 'Dataset',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  momentum: 'Momentum',
  nesterov: 'Nesterov momentum',
  'schedule.type': 'Schedule',
  'schedule.stepSize': 'Step size',
  'schedule.gamma': 'Gamma',
  'schedule.maxLr': 'Peak learning rate',
  'schedule.pctStart': 'Warm-up share',
  'schedule.divFactor': 'Start divisor',
  'schedule.finalDivFactor': 'Final divisor',
  'schedule.factor': 'Plateau factor',
  'schedule.patience': 'Plateau patience',
  'schedule.minLr': 'Minimum learning rate',
  'augment.rotate': 'Rotation',
  'augment.shift': 'Shift',
  seed: 'Seed',
  limit: 'Images',
};

/** Block settings by key, as the inspector labels them (lower case: they follow the block's name). */
const SETTING_NAMES: Record<string, string> = {
  kernelSize: 'kernel',
  strides: 'stride',
  useBias: 'bias',
  poolSize: 'pool',
  keepDims: 'keep 1×1',
  depthMultiplier: 'depth multiplier',
  function: 'function',
  type: 'kind',
};

const VALUE_WORDS: Record<string, Record<string, string>> = {
  'schedule.type': { constant: 'constant', step: 'step (StepLR)', oneCycle: 'one-cycle', plateau: 'reduce on plateau' },
  optimizer: { sgd: 'SGD', adam: 'Adam' },
};

function showValue(key: string, value: unknown): string {
  if (value === undefined || value === null) return key === 'limit' ? 'all' : 'not set';
  if (typeof value === 'string') return VALUE_WORDS[key]?.[value] ?? value;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (key === 'augment.rotate') return `±${String(value)}°`;
  if (key === 'augment.shift') return `±${String(value)} px`;
  if (typeof value === 'number') return key === 'limit' ? value.toLocaleString('en-US') : String(value);
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return formatPair(value as [number, number]);
  return JSON.stringify(value);
}

const change = (name: string, key: string, c: SettingChange) => `${name} ${showValue(key, c.before)} → ${showValue(key, c.after)}`;

/** One line per change, training settings first (what a round of the journey usually changes). */
export function describeDiffInWords(diff: GraphDiff): string[] {
  const rewired = diff.edgesAdded.length + diff.edgesRemoved.length;
  return [
    ...diff.training.map((c) => `${TRAINING_NAMES[c.key] ?? c.key}: ${showValue(c.key, c.before)} → ${showValue(c.key, c.after)}`),
    ...diff.added.map((b) => `Added ${b.id} (${b.description})`),
    ...diff.removed.map((b) => `Removed ${b.id} (${b.description})`),
    ...diff.changed.map((b) => `${b.id}: ${b.changes.map((c) => change(SETTING_NAMES[c.key] ?? c.key, c.key, c)).join(', ')}`),
    ...(rewired > 0 ? [`Connections: ${diff.edgesAdded.length} added, ${diff.edgesRemoved.length} removed`] : []),
  ];
}
