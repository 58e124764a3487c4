/**
 * Turning `cnn-studio train` flags into training settings, on top of the settings the graph file
 * carries. A flag always wins over the file, and one setting has one flag: `--lr` is the learning
 * rate every schedule starts from, one-cycle's peak included (`--max-lr` is its other name there).
 * A flag that would change nothing (Adam's betas for SGD, a one-cycle setting for a step schedule,
 * `--momentum` while one-cycle cycles it) is refused, naming why, rather than silently ignored.
 */
import { trainingSettingsSchema, type ScheduleSettings, type TrainingSettings, type TrainingSettingsInput } from '../graph/training-settings.ts';
import { parseDatasetName } from '../data/dataset-name.ts';
import { describeError, StudioError } from '../errors.ts';
import type { AugmentFlag } from './flag-parsers.ts';

export interface TrainFlags {
  epochs?: number;
  batch?: number;
  optimizer?: 'sgd' | 'adam' | 'adamw';
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  labelSmoothing?: number;
  init?: TrainingSettings['init'];
  schedule?: string;
  stepSize?: number;
  gamma?: number;
  milestones?: number[];
  minLr?: number;
  maxLr?: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  factor?: number;
  patience?: number;
  warmup?: number;
  warmupStartFactor?: number;
  augment?: AugmentFlag;
  validation?: TrainingSettings['validation'];
  seed?: number;
  limit?: number;
  dataset?: string;
}

export class SettingsError extends StudioError {
  override name = 'SettingsError';
}

type ScheduleType = ScheduleSettings['type'];

const SCHEDULE_TYPES = new Map<string, ScheduleType>([
  ['constant', 'constant'],
  ['step', 'step'],
  ['multistep', 'multiStep'],
  ['multi-step', 'multiStep'],
  ['cosine', 'cosine'],
  ['onecycle', 'oneCycle'],
  ['one-cycle', 'oneCycle'],
  ['plateau', 'plateau'],
]);

/** How `--schedule` spells each type. */
const SCHEDULE_FLAG_VALUE: Record<ScheduleType, string> = {
  constant: 'constant',
  step: 'step',
  multiStep: 'multistep',
  cosine: 'cosine',
  oneCycle: 'onecycle',
  plateau: 'plateau',
};

/** Each schedule flag: the setting it sets and the schedules it belongs to. */
const SCHEDULE_FLAGS: readonly (readonly [keyof TrainFlags & string, string, string, readonly ScheduleType[]])[] = [
  ['stepSize', '--step-size', 'stepSize', ['step']],
  ['gamma', '--gamma', 'gamma', ['step', 'multiStep']],
  ['milestones', '--milestones', 'milestones', ['multiStep']],
  ['minLr', '--min-lr', 'minLr', ['cosine', 'plateau']],
  ['pctStart', '--pct-start', 'pctStart', ['oneCycle']],
  ['divFactor', '--div-factor', 'divFactor', ['oneCycle']],
  ['finalDivFactor', '--final-div-factor', 'finalDivFactor', ['oneCycle']],
  ['cycleMomentum', '--cycle-momentum', 'cycleMomentum', ['oneCycle']],
  ['baseMomentum', '--base-momentum', 'baseMomentum', ['oneCycle']],
  ['maxMomentum', '--max-momentum', 'maxMomentum', ['oneCycle']],
  ['factor', '--factor', 'factor', ['plateau']],
  ['patience', '--patience', 'patience', ['plateau']],
];

/** Flags that belong to some optimizers only. */
const OPTIMIZER_FLAGS: readonly (readonly [keyof TrainFlags & string, string, readonly TrainingSettings['optimizer'][], string])[] = [
  ['momentum', '--momentum', ['sgd'], "SGD's momentum; Adam's counterpart is --beta1"],
  ['nesterov', '--nesterov', ['sgd'], 'Nesterov momentum is an SGD setting'],
  ['beta1', '--beta1', ['adam', 'adamw'], 'Adam and AdamW take betas; SGD has --momentum'],
  ['beta2', '--beta2', ['adam', 'adamw'], 'Adam and AdamW take betas'],
  ['eps', '--eps', ['adam', 'adamw'], "epsilon is Adam's and AdamW's"],
];

export function settingsFromFlags(base: TrainingSettingsInput | undefined, flags: TrainFlags): TrainingSettings {
  // The file's settings as the studio reads them (one-cycle's old maxLr folded into the rate).
  const file = parse(base ?? {}, 'the file');
  const input: Record<string, unknown> = { ...file };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  set('epochs', flags.epochs);
  set('batchSize', flags.batch);
  set('optimizer', flags.optimizer);
  set('learningRate', peakRate(flags));
  set('momentum', flags.momentum);
  set('nesterov', flags.nesterov);
  set('beta1', flags.beta1);
  set('beta2', flags.beta2);
  set('epsilon', flags.eps);
  set('weightDecay', flags.weightDecay);
  set('labelSmoothing', flags.labelSmoothing);
  set('init', flags.init);
  set('augment', flags.augment);
  set('validation', flags.validation);
  set('seed', flags.seed);
  set('limit', flags.limit);
  set('dataset', flags.dataset);
  if (flags.warmup !== undefined || flags.warmupStartFactor !== undefined) {
    const warmup = { ...file.warmup, ...(flags.warmup !== undefined ? { epochs: flags.warmup } : {}), ...(flags.warmupStartFactor !== undefined ? { startFactor: flags.warmupStartFactor } : {}) };
    if (flags.warmupStartFactor !== undefined && warmup.epochs === 0) throw new SettingsError('--warmup-start-factor sets where a warm-up starts, but there is no warm-up; add --warmup EPOCHS');
    input.warmup = warmup;
  }

  const optimizer = (input.optimizer ?? 'sgd') as TrainingSettings['optimizer'];
  for (const [key, flag, applies, why] of OPTIMIZER_FLAGS) {
    if (flags[key] !== undefined && !applies.includes(optimizer)) throw new SettingsError(`${flag} does not apply to ${optimizer} (${why})`);
  }

  const schedule: Record<string, unknown> & { type: string } =
    flags.schedule === undefined ? { ...file.schedule } : { type: SCHEDULE_TYPES.get(flags.schedule.toLowerCase()) ?? flags.schedule };
  for (const [key, name, setting, types] of SCHEDULE_FLAGS) {
    const value = flags[key];
    if (value === undefined) continue;
    const flag = value === false ? name.replace('--', '--no-') : name;
    if (!types.includes(schedule.type as ScheduleType)) {
      const spelled = types.map((type) => `--schedule ${SCHEDULE_FLAG_VALUE[type]}`).join(' or ');
      throw new SettingsError(`${flag} applies to the ${types.join(' and ')} schedule${types.length > 1 ? 's' : ''}, but the schedule is ${schedule.type}; add ${spelled}`);
    }
    schedule[setting] = value;
  }
  input.schedule = schedule;

  const settings = parse(input, 'settings');
  if (flags.momentum !== undefined && settings.schedule.type === 'oneCycle' && settings.schedule.cycleMomentum) {
    throw new SettingsError(
      `--momentum has no effect while the one-cycle schedule cycles the momentum (from ${settings.schedule.maxMomentum} to ${settings.schedule.baseMomentum} and back); set --base-momentum and --max-momentum, or add --no-cycle-momentum`,
    );
  }
  // Read here by the same parser the training process uses, so a bad name stops before a process starts.
  try {
    parseDatasetName(settings.dataset);
  } catch (error) {
    throw new SettingsError(`invalid training settings: dataset: ${describeError(error)}`);
  }
  return settings;
}

/** `--lr`, or `--max-lr` (its one-cycle name); both at once must agree. */
function peakRate(flags: TrainFlags): number | undefined {
  if (flags.maxLr !== undefined && flags.lr !== undefined && flags.maxLr !== flags.lr) {
    throw new SettingsError(`--lr ${flags.lr} and --max-lr ${flags.maxLr} both set the one-cycle peak; give one of them`);
  }
  return flags.lr ?? flags.maxLr;
}

function parse(input: unknown, what: string): TrainingSettings {
  const parsed = trainingSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || what;
    throw new SettingsError(`invalid training settings${what === 'the file' ? ' in the file' : ''}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** Every flag that changes a setting; a resumed run continues with its own settings and takes none of them but --epochs. */
export const SETTING_FLAGS: Record<Exclude<keyof TrainFlags, 'epochs'>, string> = {
  batch: '--batch',
  optimizer: '--optimizer',
  lr: '--lr',
  momentum: '--momentum',
  nesterov: '--nesterov',
  beta1: '--beta1',
  beta2: '--beta2',
  eps: '--eps',
  weightDecay: '--weight-decay',
  labelSmoothing: '--label-smoothing',
  init: '--init',
  schedule: '--schedule',
  stepSize: '--step-size',
  gamma: '--gamma',
  milestones: '--milestones',
  minLr: '--min-lr',
  maxLr: '--max-lr',
  pctStart: '--pct-start',
  divFactor: '--div-factor',
  finalDivFactor: '--final-div-factor',
  cycleMomentum: '--cycle-momentum',
  baseMomentum: '--base-momentum',
  maxMomentum: '--max-momentum',
  factor: '--factor',
  patience: '--patience',
  warmup: '--warmup',
  warmupStartFactor: '--warmup-start-factor',
  augment: '--augment',
  validation: '--validation',
  seed: '--seed',
  limit: '--limit',
  dataset: '--dataset',
};
