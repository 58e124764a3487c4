/**
 * A design difference in words, for people comparing runs: "Schedule: constant → step (StepLR):
 * ×0.1 every 6 epochs", "conv4: filters 16 → 32", "Added dropout5 (Dropout rate 0.1)". The CLI's
 * `diff` keeps the terse form of graph-diff.ts for blocks; training settings read the same in
 * both (training-words.ts).
 */
import { formatPair } from './format.ts';
import type { GraphDiff, SettingChange } from './graph-diff.ts';
import { describeTrainingChange } from './training-words.ts';

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

function showValue(key: string, value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return formatPair(value as [number, number]);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

const change = (name: string, key: string, c: SettingChange) => `${name} ${showValue(key, c.before)} → ${showValue(key, c.after)}`;

/** One line per change, training settings first (what a round of the journey usually changes). */
export function describeDiffInWords(diff: GraphDiff): string[] {
  const rewired = diff.edgesAdded.length + diff.edgesRemoved.length;
  return [
    ...diff.training.map(describeTrainingChange),
    ...diff.added.map((b) => `Added ${b.id} (${b.description})`),
    ...diff.removed.map((b) => `Removed ${b.id} (${b.description})`),
    ...diff.changed.map((b) => `${b.id}: ${b.changes.map((c) => change(SETTING_NAMES[c.key] ?? c.key, c.key, c)).join(', ')}`),
    ...(rewired > 0 ? [`Connections: ${diff.edgesAdded.length} added, ${diff.edgesRemoved.length} removed`] : []),
  ];
}
