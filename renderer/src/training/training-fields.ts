/**
 * The training panel's fields, and the one mapping between a design's `training` section and the
 * panel: the panel shows and edits the whole settings object the schema defines
 * (main/graph/training-settings.ts) and sends it whole, so nothing the file says is lost on the way
 * to a run. The field tables are typed by the schema: a setting added there without a field here
 * does not compile.
 */
import { scheduleSchema, trainingSettingsSchema, type ScheduleSettings, type TrainingSettings } from '../../../main/graph/training-settings.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';

export type ScheduleType = ScheduleSettings['type'];

export interface TrainingField {
  label: string;
  kind: 'integer' | 'number' | 'text' | 'boolean' | 'choice';
  choices?: readonly (readonly [value: string, label: string])[];
  /** What an empty field means, for settings that may be left out (the limit, one-cycle's peak rate). */
  emptyMeans?: string;
  hint?: string;
  /** Shown only when this holds (momentum and Nesterov are SGD's). */
  shownWhen?: (settings: TrainingSettings) => boolean;
}

/** Every key of T, optional ones too, mapped to its field. */
type FieldsOf<T> = { [K in keyof T]-?: TrainingField };
type ScheduleParams<T extends ScheduleType> = Omit<Extract<ScheduleSettings, { type: T }>, 'type'>;

const sgd = (settings: TrainingSettings) => settings.optimizer === 'sgd';

/** The top-level settings, in the order the panel shows them; `schedule` and `augment` have tables of their own. */
export const SETTING_FIELDS: FieldsOf<Omit<TrainingSettings, 'augment'>> = {
  dataset: { label: 'Dataset', kind: 'text', hint: 'mnist, idx:FOLDER (four IDX files) or images:FOLDER?size=28x28&grayscale=1 (one sub-folder per class), relative to the workspace' },
  epochs: { label: 'Epochs', kind: 'integer' },
  batchSize: { label: 'Batch', kind: 'integer' },
  optimizer: { label: 'Optimizer', kind: 'choice', choices: [['sgd', 'SGD'], ['adam', 'Adam']] },
  learningRate: { label: 'Learning rate', kind: 'number' },
  momentum: { label: 'Momentum', kind: 'number', shownWhen: sgd },
  nesterov: { label: 'Nesterov', kind: 'boolean', shownWhen: sgd },
  schedule: {
    label: 'Schedule',
    kind: 'choice',
    choices: [['constant', 'constant'], ['step', 'step (StepLR)'], ['oneCycle', 'one-cycle'], ['plateau', 'reduce on plateau']],
  },
  seed: { label: 'Seed', kind: 'integer', hint: 'fixes the initial weights, the shuffling, the augmentation and dropout: the same seed repeats a run' },
  limit: { label: 'Images', kind: 'integer', emptyMeans: 'all', hint: 'use only the first N training and test images' },
};

export const AUGMENT_FIELDS: FieldsOf<TrainingSettings['augment']> = {
  rotate: { label: 'Rotate ±', kind: 'number', hint: 'degrees' },
  shift: { label: 'Shift ±', kind: 'number', hint: 'pixels' },
};

export const SCHEDULE_FIELDS: { [T in ScheduleType]: FieldsOf<ScheduleParams<T>> } = {
  constant: {},
  step: {
    stepSize: { label: 'Step size', kind: 'integer', hint: 'epochs between decays' },
    gamma: { label: 'Gamma', kind: 'number', hint: 'factor at each decay' },
  },
  oneCycle: {
    maxLr: { label: 'Peak rate', kind: 'number', emptyMeans: 'the learning rate' },
    pctStart: { label: 'Warm-up share', kind: 'number', hint: 'share of the run spent rising, 0 to 1' },
    divFactor: { label: 'Start divisor', kind: 'number', hint: 'the rate starts at the peak / this' },
    finalDivFactor: { label: 'Final divisor', kind: 'number', hint: 'the rate ends at the start / this' },
  },
  plateau: {
    factor: { label: 'Factor', kind: 'number', hint: 'factor at each decay, 0 to 1' },
    patience: { label: 'Patience', kind: 'integer', hint: 'epochs without a better test loss before a decay' },
    minLr: { label: 'Lowest rate', kind: 'number' },
  },
};

/** Where a field's value lives in the settings: `['epochs']`, `['augment', 'rotate']`, `['schedule', 'stepSize']`. */
export type SettingPath = readonly [string] | readonly ['augment' | 'schedule', string];

export interface SettingRow {
  path: SettingPath;
  /** `epochs`, `augment.rotate`: a stable key and test id. */
  key: string;
  field: TrainingField;
  value: string | number | boolean | undefined;
}

/** A design's training settings with every default filled in: what the panel shows for it. */
export function panelSettings(graph: GraphDocument): TrainingSettings {
  return graph.training ?? trainingSettingsSchema.parse({});
}

/** The fields to show for these settings, in order, with their values. */
export function settingRows(settings: TrainingSettings): SettingRow[] {
  const rows: SettingRow[] = [];
  const add = (path: SettingPath, field: TrainingField, value: SettingRow['value']) => {
    if (!field.shownWhen || field.shownWhen(settings)) rows.push({ path, key: path.join('.'), field, value });
  };
  for (const [key, field] of Object.entries(SETTING_FIELDS) as [keyof typeof SETTING_FIELDS, TrainingField][]) {
    if (key === 'schedule') {
      add(['schedule'], field, settings.schedule.type);
      const params = SCHEDULE_FIELDS[settings.schedule.type] as Record<string, TrainingField>;
      for (const [param, paramField] of Object.entries(params)) add(['schedule', param], paramField, (settings.schedule as Record<string, unknown>)[param] as SettingRow['value']);
      for (const [param, paramField] of Object.entries(AUGMENT_FIELDS)) add(['augment', param], paramField, settings.augment[param as keyof TrainingSettings['augment']]);
      continue;
    }
    add([key], field, settings[key]);
  }
  return rows;
}

export type SettingChange = { ok: true; settings: TrainingSettings } | { ok: false; message: string };

/**
 * The settings with one field changed to what was typed (or picked), checked by the schema, or
 * why not. An empty field leaves an optional setting out; a new schedule type starts from its
 * own defaults.
 */
export function changeSetting(settings: TrainingSettings, row: Pick<SettingRow, 'path' | 'field'>, input: string | boolean): SettingChange {
  const parsed = parseInput(row.field, input);
  if (!parsed.ok) return parsed;
  const [head, param] = row.path;
  let candidate: Record<string, unknown>;
  if (head === 'schedule' && param === undefined) {
    candidate = { ...settings, schedule: scheduleSchema.parse({ type: parsed.value }) };
  } else if (param !== undefined) {
    const section = { ...(settings[head as 'augment' | 'schedule'] as Record<string, unknown>) };
    if (parsed.value === undefined) delete section[param];
    else section[param] = parsed.value;
    candidate = { ...settings, [head]: section };
  } else {
    candidate = { ...settings };
    if (parsed.value === undefined) delete candidate[head];
    else candidate[head] = parsed.value;
  }
  const checked = trainingSettingsSchema.safeParse(candidate);
  if (checked.success) return { ok: true, settings: checked.data };
  // The schema's own messages name their setting ("epochs must be at least 1"); zod's defaults
  // ("Too small: expected number to be >=0") do not, and get the field's label in front.
  const message = checked.error.issues[0]!.message;
  return { ok: false, message: /^[A-Z]/.test(message) ? `${row.field.label}: ${message}` : message };
}

function parseInput(field: TrainingField, input: string | boolean): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof input === 'boolean') return { ok: true, value: input };
  const text = input.trim();
  if (field.kind === 'text' || field.kind === 'choice') return { ok: true, value: text };
  if (text === '') return field.emptyMeans ? { ok: true, value: undefined } : { ok: false, message: `${field.label} needs a value` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, message: `${field.label} must be a number` };
  return { ok: true, value };
}

/** How a value reads in its field: numbers as typed, an absent optional setting as an empty field. */
export function formatSetting(value: SettingRow['value']): string {
  return value === undefined ? '' : String(value);
}
