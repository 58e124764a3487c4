/**
 * Turning `cnn-studio train` flags into training settings, on top of the settings the graph file
 * carries. Each bad value is refused with a message naming the flag.
 */
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../graph/training-settings.ts';
import { parseDatasetName } from '../data/dataset-name.ts';
import { describeError, StudioError } from '../errors.ts';

export interface TrainFlags {
  epochs?: number;
  batch?: number;
  optimizer?: 'sgd' | 'adam';
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  schedule?: string;
  stepSize?: number;
  gamma?: number;
  maxLr?: number;
  factor?: number;
  patience?: number;
  augment?: { rotate: number; shift: number };
  seed?: number;
  limit?: number;
  dataset?: string;
}

export class SettingsError extends StudioError {
  override name = 'SettingsError';
}

const SCHEDULE_TYPES = new Map<string, TrainingSettings['schedule']['type']>([
  ['constant', 'constant'],
  ['step', 'step'],
  ['onecycle', 'oneCycle'],
  ['one-cycle', 'oneCycle'],
  ['plateau', 'plateau'],
]);

/** Which schedule each schedule flag belongs to, for a clear refusal when it does not apply. */
const SCHEDULE_FLAGS = [
  ['stepSize', '--step-size', 'step'],
  ['gamma', '--gamma', 'step'],
  ['maxLr', '--max-lr', 'oneCycle'],
  ['factor', '--factor', 'plateau'],
  ['patience', '--patience', 'plateau'],
] as const;

export function settingsFromFlags(base: TrainingSettingsInput | undefined, flags: TrainFlags): TrainingSettings {
  const input: Record<string, unknown> = { ...(base ?? {}) };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  set('epochs', flags.epochs);
  set('batchSize', flags.batch);
  set('optimizer', flags.optimizer);
  set('learningRate', flags.lr);
  set('momentum', flags.momentum);
  set('nesterov', flags.nesterov);
  set('augment', flags.augment);
  set('seed', flags.seed);
  set('limit', flags.limit);
  set('dataset', flags.dataset);

  const baseSchedule = (base?.schedule ?? { type: 'constant' }) as Record<string, unknown> & { type: string };
  const schedule: Record<string, unknown> & { type: string } =
    flags.schedule === undefined ? { ...baseSchedule } : { type: SCHEDULE_TYPES.get(flags.schedule.toLowerCase()) ?? flags.schedule };
  for (const [key, flag, type] of SCHEDULE_FLAGS) {
    const value = flags[key];
    if (value === undefined) continue;
    if (schedule.type !== type) throw new SettingsError(`${flag} applies to the ${type} schedule, but the schedule is ${schedule.type}; add --schedule ${type.toLowerCase()}`);
    schedule[key] = value;
  }
  input.schedule = schedule;

  const parsed = trainingSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`invalid training settings: ${issue.path.join('.') || 'settings'}: ${issue.message}`);
  }
  // Read here by the same parser the training process uses, so a bad name stops before a process starts.
  try {
    parseDatasetName(parsed.data.dataset);
  } catch (error) {
    throw new SettingsError(`invalid training settings: dataset: ${describeError(error)}`);
  }
  return parsed.data;
}
