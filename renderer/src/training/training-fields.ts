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
  /**
   * `range`: two numbers, low and high ("0.02, 0.33"); `list`: whole numbers in order ("10, 15");
   * `validation`: auto, none or a number of images.
   */
  kind: 'integer' | 'number' | 'text' | 'boolean' | 'choice' | 'range' | 'list' | 'validation';
  choices?: readonly (readonly [value: string, label: string])[];
  /** What an empty field means, for settings that may be left out (the limit). */
  emptyMeans?: string;
  hint?: string;
  /** Shown only when this holds (momentum and Nesterov are SGD's). */
  shownWhen?: (settings: TrainingSettings) => boolean;
}

/** Every key of T, optional ones too, mapped to its field. */
type FieldsOf<T> = { [K in keyof T]-?: TrainingField };
type ScheduleParams<T extends ScheduleType> = Omit<Extract<ScheduleSettings, { type: T }>, 'type'>;

const sgd = (settings: TrainingSettings) => settings.optimizer === 'sgd';
const adam = (settings: TrainingSettings) => settings.optimizer !== 'sgd';
/** One-cycle's momentum cycling sets SGD's momentum and Adam's β1 itself. */
const cycling = (settings: TrainingSettings) => settings.schedule.type === 'oneCycle' && settings.schedule.cycleMomentum;
const warming = (settings: TrainingSettings) => settings.warmup.epochs > 0;
const erasing = (settings: TrainingSettings) => settings.augment.erase > 0;

/** The sections with a table of their own. */
type Sections = 'augment' | 'warmup';

/** The top-level settings, in the order the panel shows them; `schedule`, `warmup` and `augment` have tables of their own. */
export const SETTING_FIELDS: FieldsOf<Omit<TrainingSettings, Sections>> = {
  dataset: { label: 'Dataset', kind: 'text', hint: 'mnist, idx:FOLDER (four IDX files) or images:FOLDER?size=28x28&grayscale=1 (one sub-folder per class), relative to the workspace' },
  validation: {
    label: 'Validation',
    kind: 'validation',
    hint: 'training images held out to choose the best epoch on: auto (a twelfth, at most 5,000), a number, or none (choose on the test set)',
  },
  epochs: { label: 'Epochs', kind: 'integer' },
  batchSize: { label: 'Batch', kind: 'integer' },
  optimizer: { label: 'Optimizer', kind: 'choice', choices: [['sgd', 'SGD'], ['adam', 'Adam'], ['adamw', 'AdamW']] },
  learningRate: { label: 'Learning rate', kind: 'number', hint: 'where the schedule starts; the peak of a one-cycle schedule' },
  momentum: { label: 'Momentum', kind: 'number', shownWhen: (s) => sgd(s) && !cycling(s) },
  nesterov: { label: 'Nesterov', kind: 'boolean', shownWhen: sgd },
  beta1: { label: 'β1', kind: 'number', hint: 'decay of the gradient mean', shownWhen: (s) => adam(s) && !cycling(s) },
  beta2: { label: 'β2', kind: 'number', hint: 'decay of the squared gradient mean', shownWhen: adam },
  epsilon: { label: 'ε', kind: 'number', hint: 'added to the root of the squared mean (PyTorch uses 1e-8)', shownWhen: adam },
  weightDecay: { label: 'Weight decay', kind: 'number', hint: 'an L2 penalty added to the gradient for SGD and Adam; decoupled (the weights shrink by lr × this each step) for AdamW' },
  labelSmoothing: { label: 'Label smoothing', kind: 'number', hint: 'cross-entropy against (1 − ε)·one-hot + ε / classes, 0 to below 1' },
  init: { label: 'Initialisation', kind: 'choice', choices: [['glorot', 'Glorot uniform'], ['kaimingNormal', 'Kaiming normal'], ['kaimingUniform', 'Kaiming uniform']], hint: 'initial kernels (biases start at zero); Glorot is Keras\' default, Kaiming what PyTorch recipes for ReLU networks use' },
  schedule: {
    label: 'Schedule',
    kind: 'choice',
    choices: [['constant', 'constant'], ['step', 'step (StepLR)'], ['multiStep', 'multi-step (MultiStepLR)'], ['cosine', 'cosine'], ['oneCycle', 'one-cycle'], ['plateau', 'reduce on plateau']],
  },
  seed: { label: 'Seed', kind: 'integer', hint: 'fixes the initial weights, the shuffling, the augmentation and dropout: the same seed repeats a run' },
  limit: { label: 'Images', kind: 'integer', emptyMeans: 'all', hint: 'use only the first N training and test images' },
};

export const WARMUP_FIELDS: FieldsOf<TrainingSettings['warmup']> = {
  epochs: { label: 'Warm-up', kind: 'number', hint: 'epochs of linear warm-up before the schedule (may be fractional); 0 for none' },
  startFactor: { label: 'Warm-up from', kind: 'number', hint: 'the warm-up starts at this share of the rate', shownWhen: warming },
};

export const AUGMENT_FIELDS: FieldsOf<TrainingSettings['augment']> = {
  rotate: { label: 'Rotate ±', kind: 'number', hint: 'degrees' },
  shift: { label: 'Shift ±', kind: 'number', hint: 'pixels' },
  scale: { label: 'Scale ±', kind: 'number', hint: 'share: 0.1 scales by 0.9 to 1.1' },
  shear: { label: 'Shear ±', kind: 'number', hint: 'degrees, horizontal' },
  erase: { label: 'Erase', kind: 'number', hint: 'chance of erasing a rectangle (random erasing, cutout), 0 to 1' },
  eraseArea: { label: 'Erased area', kind: 'range', hint: 'share of the image, low, high', shownWhen: erasing },
  eraseRatio: { label: 'Erased shape', kind: 'range', hint: 'height / width, low, high', shownWhen: erasing },
};

export const SCHEDULE_FIELDS: { [T in ScheduleType]: FieldsOf<ScheduleParams<T>> } = {
  constant: {},
  step: {
    stepSize: { label: 'Step size', kind: 'integer', hint: 'epochs between decays' },
    gamma: { label: 'Gamma', kind: 'number', hint: 'factor at each decay' },
  },
  multiStep: {
    milestones: { label: 'Milestones', kind: 'list', hint: 'the epochs to decay at, e.g. 10, 15' },
    gamma: { label: 'Gamma', kind: 'number', hint: 'factor at each decay' },
  },
  cosine: {
    minLr: { label: 'Final rate', kind: 'number', hint: 'the rate the cosine ends at' },
  },
  oneCycle: {
    pctStart: { label: 'Rising share', kind: 'number', hint: 'share of the run spent rising to the peak (the learning rate), 0 to 1' },
    divFactor: { label: 'Start divisor', kind: 'number', hint: 'the rate starts at the peak / this' },
    finalDivFactor: { label: 'Final divisor', kind: 'number', hint: 'the rate ends at the start / this' },
    cycleMomentum: { label: 'Cycle momentum', kind: 'boolean', hint: "cycles SGD's momentum (Adam's β1) against the rate, as PyTorch's OneCycleLR does by default" },
    baseMomentum: { label: 'Momentum at peak', kind: 'number', shownWhen: cycling },
    maxMomentum: { label: 'Momentum at ends', kind: 'number', shownWhen: cycling },
  },
  plateau: {
    factor: { label: 'Factor', kind: 'number', hint: 'factor at each decay, 0 to 1' },
    patience: { label: 'Patience', kind: 'integer', hint: 'epochs without a better validation loss before a decay' },
    minLr: { label: 'Lowest rate', kind: 'number' },
  },
};

/** Where a field's value lives in the settings: `['epochs']`, `['augment', 'rotate']`, `['schedule', 'stepSize']`. */
export type SettingPath = readonly [string] | readonly ['augment' | 'schedule' | 'warmup', string];

export type SettingValue = string | number | boolean | readonly number[] | undefined;

export interface SettingRow {
  path: SettingPath;
  /** `epochs`, `augment.rotate`: a stable key and test id. */
  key: string;
  field: TrainingField;
  value: SettingValue;
}

/** A design's training settings with every default filled in: what the panel shows for it. */
export function panelSettings(graph: GraphDocument): TrainingSettings {
  return graph.training ?? trainingSettingsSchema.parse({});
}

/** The fields to show for these settings, in order, with their values. */
export function settingRows(settings: TrainingSettings): SettingRow[] {
  const rows: SettingRow[] = [];
  const add = (path: SettingPath, field: TrainingField, value: SettingValue) => {
    if (!field.shownWhen || field.shownWhen(settings)) rows.push({ path, key: path.join('.'), field, value });
  };
  const section = (head: Sections | 'schedule', fields: Record<string, TrainingField>, values: Record<string, unknown>) => {
    for (const [param, field] of Object.entries(fields)) add([head, param], field, values[param] as SettingValue);
  };
  for (const [key, field] of Object.entries(SETTING_FIELDS) as [keyof typeof SETTING_FIELDS, TrainingField][]) {
    if (key === 'schedule') {
      add(['schedule'], field, settings.schedule.type);
      section('schedule', SCHEDULE_FIELDS[settings.schedule.type] as Record<string, TrainingField>, settings.schedule);
      section('warmup', WARMUP_FIELDS, settings.warmup);
      section('augment', AUGMENT_FIELDS, settings.augment);
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
    const section = { ...(settings[head as Sections | 'schedule'] as Record<string, unknown>) };
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
  if (field.kind === 'validation' && (text === 'auto' || text === 'none')) return { ok: true, value: text };
  if (text === '') return field.emptyMeans ? { ok: true, value: undefined } : { ok: false, message: `${field.label} needs a value` };
  if (field.kind === 'range' || field.kind === 'list') {
    const values = text.split(/[\s,]+/).filter((part) => part !== '').map(Number);
    if (!values.every(Number.isFinite)) return { ok: false, message: `${field.label} must be numbers separated by commas` };
    if (field.kind === 'range' && values.length !== 2) return { ok: false, message: `${field.label} takes two numbers, low and high` };
    return { ok: true, value: values };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, message: field.kind === 'validation' ? `${field.label} must be auto, none or a number of images` : `${field.label} must be a number` };
  return { ok: true, value };
}

/** How a value reads in its field: numbers as typed, lists with commas, an absent optional setting as an empty field. */
export function formatSetting(value: SettingValue): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}
