/**
 * How to train a network: data and its validation split, optimizer, loss, initialisation,
 * learning-rate schedule and warm-up, augmentation. A graph document may carry its own (the
 * journey's rounds do); the CLI and the studio start from them. Every field is optional with a
 * default, and the defaults are what the studio always did, so an older file trains the same.
 * docs/graph-format.md documents each field with its unit, range, default and PyTorch equivalent.
 */
import { z } from 'zod';
import { onArrays, onStrings } from '../length-checks.ts';

/** Upper bounds no real run reaches, so a mistyped 1e9 is refused with a message instead of tried. */
const positiveInt = (name: string, max: number) =>
  z.number().int(`${name} must be a whole number`).min(1, `${name} must be at least 1`).max(max, `${name} must be at most ${max.toLocaleString('en-US')}`);
const rate = (name: string) => z.number().positive(`${name} must be above 0`).finite();
/** 0 ≤ value ≤ max (or < max when `open`). */
const between = (name: string, max: number, open = false) =>
  open
    ? z.number().min(0, `${name} must be at least 0`).lt(max, `${name} must be below ${max}`)
    : z.number().min(0, `${name} must be at least 0`).max(max, `${name} must be at most ${max}`);
/** A momentum or an Adam beta: 0 ≤ value < 1. */
const decay = (name: string) => between(name, 1, true);
/** `[low, high]` with low ≤ high, each in (0, max]. */
const range = (name: string, max: number) =>
  z
    .tuple([z.number().gt(0, `${name} must be above 0`).max(max, `${name} must be at most ${max}`), z.number().gt(0, `${name} must be above 0`).max(max, `${name} must be at most ${max}`)])
    .refine(([low, high]) => low <= high, `${name} must be [low, high] with low ≤ high`);

/** PyTorch's OneCycleLR, per batch; its `max_lr` is the run's learning rate. */
const oneCycleSchema = z.strictObject({
  type: z.literal('oneCycle'),
  /**
   * Read from older files only: it was the peak rate and overrode the learning rate, so two
   * settings meant one thing. On load it becomes the learning rate (see trainingSettingsSchema).
   */
  maxLr: rate('max lr').optional(),
  /** Share of the steps spent rising to the peak (PyTorch `pct_start`). */
  pctStart: z.number().gt(0, 'pct start must be above 0').lt(1, 'pct start must be below 1').default(0.3),
  /** The rate starts at peak / divFactor (PyTorch `div_factor`). */
  divFactor: rate('div factor').default(25),
  /** And ends at peak / divFactor / finalDivFactor (PyTorch `final_div_factor`). */
  finalDivFactor: rate('final div factor').default(1e4),
  /**
   * Cycles SGD's momentum (Adam's beta1) against the rate: from maxMomentum down to baseMomentum
   * while the rate rises, and back up while it falls (PyTorch `cycle_momentum`, which PyTorch
   * turns on by default; off here so that older files train as they did).
   */
  cycleMomentum: z.boolean().default(false),
  baseMomentum: decay('base momentum').default(0.85),
  maxMomentum: decay('max momentum').default(0.95),
});

export const scheduleSchema = z.discriminatedUnion('type', [
  /** The learning rate never changes. */
  z.strictObject({ type: z.literal('constant') }),
  /** PyTorch's StepLR: multiply by `gamma` every `stepSize` epochs. */
  z.strictObject({ type: z.literal('step'), stepSize: positiveInt('step size', 10_000).default(6), gamma: rate('gamma').default(0.1) }),
  /** PyTorch's MultiStepLR: multiply by `gamma` at each of the epochs listed (counted from 0 after any warm-up). */
  z.strictObject({
    type: z.literal('multiStep'),
    milestones: z
      .array(positiveInt('a milestone', 10_000))
      .min(1, onArrays({ error: 'milestones must list at least one epoch' }))
      .max(100, onArrays({ error: 'milestones may list at most 100 epochs' }))
      .refine((list) => list.every((epoch, i) => i === 0 || epoch > list[i - 1]!), 'milestones must be in increasing order')
      .default([10, 15]),
    gamma: rate('gamma').default(0.1),
  }),
  /** PyTorch's CosineAnnealingLR over every batch after any warm-up, from the learning rate down to `minLr`. */
  z.strictObject({ type: z.literal('cosine'), minLr: z.number().min(0, 'min lr must be at least 0').finite().default(0) }),
  oneCycleSchema,
  /**
   * Keras' ReduceLROnPlateau on the validation loss (the test loss when there is no validation
   * split): multiply by `factor` after `patience` epochs without improvement.
   */
  z.strictObject({
    type: z.literal('plateau'),
    factor: z.number().gt(0).lt(1).default(0.1),
    patience: z.number().int().min(0).max(10_000).default(2),
    minLr: z.number().min(0).default(0),
  }),
]);

/**
 * Validation split: images held out from the training set to choose the best epoch on. `auto`:
 * a twelfth of the training images, at most 5,000 (MNIST: 5,000 of 60,000); a number: that many;
 * `none`: no split, and the best epoch is chosen on the test set (as a notebook that used it does).
 */
export const validationSchema = z.union(
  [z.literal('auto'), z.literal('none'), positiveInt('the validation split', 1_000_000_000)],
  { error: 'validation must be "auto", "none" or a number of images' },
);

const settingsObject = z.strictObject({
  /** Which dataset to train on; "mnist" ships with the studio. */
  dataset: z.string().min(1, onStrings()).max(4096, onStrings({ error: 'the dataset name is too long' })).default('mnist'),
  validation: validationSchema.default('auto'),
  epochs: positiveInt('epochs', 10_000).default(20),
  batchSize: positiveInt('batch size', 65_536).default(128),
  optimizer: z.enum(['sgd', 'adam', 'adamw']).default('sgd'),
  /** The rate every schedule starts from, or one-cycle's peak. */
  learningRate: rate('learning rate').default(0.01),
  /** SGD only. */
  momentum: between('momentum', 1).default(0.9),
  /** SGD only: Nesterov momentum. */
  nesterov: z.boolean().default(false),
  /** Adam and AdamW: the decay rates of the gradient's mean and of its square, and the term added to the root. */
  beta1: decay('beta1').default(0.9),
  beta2: decay('beta2').default(0.999),
  /** TensorFlow.js' default (PyTorch's is 1e-8). */
  epsilon: rate('epsilon').default(1e-7),
  /**
   * L2 penalty for SGD and Adam (added to the gradient: PyTorch's `weight_decay`), decoupled decay
   * for AdamW (the weights shrink by lr × weightDecay each step). Applies to every trainable weight.
   */
  weightDecay: between('weight decay', 1).default(0),
  /** Cross-entropy against targets (1 − ε)·one-hot + ε / classes (PyTorch `label_smoothing`). */
  labelSmoothing: between('label smoothing', 1, true).default(0),
  /** Initial kernels; biases start at zero. `glorot` is Keras' default (PyTorch `xavier_uniform_`). */
  init: z.enum(['glorot', 'kaimingNormal', 'kaimingUniform']).default('glorot'),
  schedule: scheduleSchema.default({ type: 'constant' }),
  /**
   * A linear warm-up before the schedule, per batch (PyTorch's LinearLR chained by SequentialLR):
   * the rate rises from startFactor × the schedule's first rate to that rate over `epochs` epochs
   * (may be fractional), and the schedule then runs on the batches that remain.
   */
  warmup: z
    .strictObject({
      epochs: between('warm-up epochs', 10_000).default(0),
      startFactor: z.number().gt(0, 'the warm-up start factor must be above 0').max(1, 'the warm-up start factor must be at most 1').default(1 / 3),
    })
    .prefault({}),
  /** Random changes to every training image, as torchvision's RandomAffine and RandomErasing make them. */
  augment: z
    .strictObject({
      /** Largest random rotation either way, degrees. */
      rotate: z.number().min(0).max(180).default(0),
      /** Largest random shift either way, pixels. */
      shift: z.number().min(0).max(1024).default(0),
      /** Largest random change of size either way, as a share: 0.1 scales by 0.9 to 1.1. */
      scale: between('scale', 1, true).default(0),
      /** Largest random horizontal shear either way, degrees. */
      shear: between('shear', 90, true).default(0),
      /** Chance that a rectangle of the image is erased to background (0 turns erasing off). */
      erase: between('erase', 1).default(0),
      /** The erased rectangle's area as a share of the image, drawn from [low, high]. */
      eraseArea: range('erase area', 1).default([0.02, 0.33]),
      /** Its aspect ratio (height / width), drawn log-uniformly from [low, high]. */
      eraseRatio: range('erase ratio', 100).default([0.3, 3.3]),
    })
    .prefault({}),
  /** Seeds weight initialisation, shuffling, dropout and augmentation. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  /** Use only the first N training and test images (quick checks). */
  limit: positiveInt('limit', 1_000_000_000).optional(),
});

type ParsedSettings = z.output<typeof settingsObject>;
type OneCycleSettings = Omit<z.output<typeof oneCycleSchema>, 'maxLr'>;
export type ScheduleSettings = Exclude<z.output<typeof scheduleSchema>, { type: 'oneCycle' }> | OneCycleSettings;
export type TrainingSettings = Omit<ParsedSettings, 'schedule'> & { schedule: ScheduleSettings };

/**
 * The settings, with one-cycle's old `maxLr` folded into the learning rate: that is the rate the
 * old file trained at, so it trains the same, and one setting (the learning rate, `--lr`) is the peak.
 */
export const trainingSettingsSchema = settingsObject.transform((parsed): TrainingSettings => {
  if (parsed.schedule.type !== 'oneCycle') return parsed as TrainingSettings;
  const { maxLr, ...schedule } = parsed.schedule;
  return { ...parsed, learningRate: maxLr ?? parsed.learningRate, schedule };
});

/** What a graph document or a command line may say; everything else takes its default. */
export type TrainingSettingsInput = z.input<typeof trainingSettingsSchema>;
export type ValidationSetting = TrainingSettings['validation'];
/** How kernels start; see compile/to-tfjs.ts. */
export type WeightInit = TrainingSettings['init'];

/** The most images `auto` holds out, and the share of the training set it takes below that. */
export const AUTO_VALIDATION_MAX = 5_000;
export const AUTO_VALIDATION_SHARE = 1 / 12;

/**
 * How many training images the validation split holds out of `trainCount`: `none` is 0; `auto`
 * is a twelfth (rounded), at most 5,000 and at least 1; a number is itself. The trainer refuses a
 * split that leaves too few images to train on (train/setup-checks.ts).
 */
export function validationCount(setting: ValidationSetting, trainCount: number): number {
  if (setting === 'none') return 0;
  if (setting === 'auto') return Math.max(1, Math.min(AUTO_VALIDATION_MAX, Math.round(trainCount * AUTO_VALIDATION_SHARE)));
  return setting;
}

/** The settings with `auto` replaced by the number of images it holds out of `trainCount`: what a run records. */
export function resolveValidation(settings: TrainingSettings, trainCount: number): TrainingSettings {
  return settings.validation === 'auto' ? { ...settings, validation: validationCount('auto', trainCount) } : settings;
}
