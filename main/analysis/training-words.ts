/**
 * Training settings in words, for the differences between two designs or runs: each setting by
 * the name the training form gives it, each value in its unit ("±7°", "50 %", "all"), and a whole
 * schedule in one phrase ("step (StepLR): ×0.1 every 6 epochs"). `cnn-studio diff` (graph-diff.ts)
 * and the runs view's "what changed" (diff-words.ts) both say them this way.
 */
import type { ScheduleSettings } from '../graph/training-settings.ts';
import type { SettingChange } from './graph-diff.ts';

/** Training settings by their dotted key, as the training form labels them. */
const NAMES: Record<string, string> = {
  dataset: 'Dataset',
  validation: 'Validation split',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  momentum: 'Momentum',
  nesterov: 'Nesterov momentum',
  beta1: 'Adam β1',
  beta2: 'Adam β2',
  epsilon: 'Adam ε',
  weightDecay: 'Weight decay',
  labelSmoothing: 'Label smoothing',
  init: 'Initialisation',
  schedule: 'Schedule',
  'schedule.type': 'Schedule',
  'schedule.stepSize': 'Step size',
  'schedule.gamma': 'Gamma',
  'schedule.milestones': 'Milestones',
  'schedule.maxLr': 'Peak learning rate',
  'schedule.pctStart': 'One-cycle rising share',
  'schedule.divFactor': 'One-cycle start divisor',
  'schedule.finalDivFactor': 'One-cycle final divisor',
  'schedule.cycleMomentum': 'Momentum cycling',
  'schedule.baseMomentum': 'Momentum at the peak',
  'schedule.maxMomentum': 'Momentum at the ends',
  'schedule.factor': 'Plateau factor',
  'schedule.patience': 'Plateau patience',
  'schedule.minLr': 'Lowest learning rate',
  'warmup.epochs': 'Warm-up',
  'warmup.startFactor': 'Warm-up start',
  'augment.rotate': 'Rotation',
  'augment.shift': 'Shift',
  'augment.scale': 'Scale',
  'augment.shear': 'Shear',
  'augment.erase': 'Random erasing',
  'augment.eraseArea': 'Erased area',
  'augment.eraseRatio': 'Erased shape (height / width)',
  seed: 'Seed',
  limit: 'Images',
};

const CHOICES: Record<string, Record<string, string>> = {
  optimizer: { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' },
  init: { glorot: 'Glorot uniform', kaimingNormal: 'Kaiming normal', kaimingUniform: 'Kaiming uniform' },
  'schedule.type': { constant: 'constant', step: 'step (StepLR)', multiStep: 'multi-step (MultiStepLR)', cosine: 'cosine', oneCycle: 'one-cycle', plateau: 'reduce on plateau' },
};

/** A number as people write it: 0.05, 1e-7, 10,000. */
const number = (value: number) => (Number.isInteger(value) && Math.abs(value) >= 1000 ? value.toLocaleString('en-US') : String(Number(value.toPrecision(6))));
const percent = (share: number) => `${Number((share * 100).toPrecision(4))} %`;
const plural = (count: number, word: string) => `${number(count)} ${word}${count === 1 ? '' : 's'}`;

/** The name of a setting, as the training form labels it. */
export function settingName(key: string): string {
  return NAMES[key] ?? key;
}

/** A setting's value in its unit. */
export function settingValue(key: string, value: unknown): string {
  if (value === undefined || value === null) return key === 'limit' ? 'all' : 'not set';
  if (key === 'schedule' && typeof value === 'object') return describeSchedule(value as ScheduleSettings);
  if (typeof value === 'string') {
    if (key === 'validation') return value === 'auto' ? 'auto (a twelfth, at most 5,000)' : 'none (best epoch on the test set)';
    return CHOICES[key]?.[value] ?? value;
  }
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) {
    if (key === 'augment.eraseArea') return `${percent(value[0])}–${percent(value[1])} of the image`;
    if (key === 'schedule.milestones') return `epochs ${value.join(', ')}`;
    return value.join('–');
  }
  if (typeof value !== 'number') return JSON.stringify(value);
  switch (key) {
    case 'validation':
      return plural(value, 'image');
    case 'limit':
      return value.toLocaleString('en-US');
    case 'augment.rotate':
    case 'augment.shear':
      return `±${number(value)}°`;
    case 'augment.shift':
      return `±${number(value)} px`;
    case 'augment.scale':
      return `±${percent(value)}`;
    case 'augment.erase':
      return value === 0 ? 'off' : `${percent(value)} of images`;
    case 'warmup.epochs':
      return value === 0 ? 'none' : plural(value, 'epoch');
    case 'warmup.startFactor':
      return `${number(value)} × the rate`;
    case 'weightDecay':
    case 'labelSmoothing':
      return value === 0 ? 'none' : number(value);
    default:
      return number(value);
  }
}

/** "step (StepLR): ×0.1 every 6 epochs", "one-cycle: 30 % rising, …". */
export function describeSchedule(schedule: ScheduleSettings): string {
  const s = schedule;
  const name = CHOICES['schedule.type']![s.type] ?? s.type;
  switch (s.type) {
    case 'step':
      return `${name}: ×${number(s.gamma)} every ${plural(s.stepSize, 'epoch')}`;
    case 'multiStep':
      return `${name}: ×${number(s.gamma)} at epochs ${s.milestones.join(', ')}`;
    case 'cosine':
      return `${name} down to ${number(s.minLr)}`;
    case 'oneCycle':
      return (
        `${name}: ${percent(s.pctStart)} rising from the rate / ${number(s.divFactor)}, ending at that / ${number(s.finalDivFactor)}` +
        (s.cycleMomentum ? `, momentum cycled ${number(s.maxMomentum)}–${number(s.baseMomentum)}` : '')
      );
    case 'plateau':
      return `${name}: ×${number(s.factor)} after ${plural(s.patience, 'epoch')} without a better validation loss${s.minLr ? `, not below ${number(s.minLr)}` : ''}`;
    case 'constant':
      return name;
  }
}

/** "Learning rate: 0.01 → 0.05". */
export function describeTrainingChange(change: SettingChange): string {
  return `${settingName(change.key)}: ${settingValue(change.key, change.before)} → ${settingValue(change.key, change.after)}`;
}
