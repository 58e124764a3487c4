/**
 * How to train a network: optimizer, learning-rate schedule, batches, augmentation. A graph
 * document may carry its own (the journey's rounds do); the CLI and the studio start from them.
 */
import { z } from 'zod';
import { onStrings } from '../length-checks.ts';

/** Upper bounds no real run reaches, so a mistyped 1e9 is refused with a message instead of tried. */
const positiveInt = (name: string, max: number) =>
  z.number().int(`${name} must be a whole number`).min(1, `${name} must be at least 1`).max(max, `${name} must be at most ${max.toLocaleString('en-US')}`);
const rate = (name: string) => z.number().positive(`${name} must be above 0`).finite();

export const scheduleSchema = z.discriminatedUnion('type', [
  /** The learning rate never changes. */
  z.strictObject({ type: z.literal('constant') }),
  /** PyTorch's StepLR: multiply by `gamma` every `stepSize` epochs. */
  z.strictObject({ type: z.literal('step'), stepSize: positiveInt('step size', 10_000).default(6), gamma: rate('gamma').default(0.1) }),
  /**
   * Smith's one-cycle policy, per batch, as PyTorch's OneCycleLR: from maxLr / divFactor up to
   * maxLr over the first `pctStart` of the run (cosine), then down to maxLr / divFactor / finalDivFactor.
   * maxLr defaults to the learning rate.
   */
  z.strictObject({
    type: z.literal('oneCycle'),
    maxLr: rate('max lr').optional(),
    pctStart: z.number().gt(0).lt(1).default(0.3),
    divFactor: rate('div factor').default(25),
    finalDivFactor: rate('final div factor').default(1e4),
  }),
  /** Keras' ReduceLROnPlateau on the test loss: multiply by `factor` after `patience` epochs without improvement. */
  z.strictObject({
    type: z.literal('plateau'),
    factor: z.number().gt(0).lt(1).default(0.1),
    patience: z.number().int().min(0).max(10_000).default(2),
    minLr: z.number().min(0).default(0),
  }),
]);

export const trainingSettingsSchema = z.strictObject({
  /** Which dataset to train on; "mnist" ships with the studio. */
  dataset: z.string().min(1, onStrings()).max(4096, onStrings({ error: 'the dataset name is too long' })).default('mnist'),
  epochs: positiveInt('epochs', 10_000).default(20),
  batchSize: positiveInt('batch size', 65_536).default(128),
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  learningRate: rate('learning rate').default(0.01),
  /** SGD only. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** SGD only: Nesterov momentum. */
  nesterov: z.boolean().default(false),
  schedule: scheduleSchema.default({ type: 'constant' }),
  augment: z
    .strictObject({
      /** Largest random rotation either way, degrees. */
      rotate: z.number().min(0).max(180).default(0),
      /** Largest random shift either way, pixels. */
      shift: z.number().min(0).max(1024).default(0),
    })
    .prefault({}),
  /** Seeds weight initialisation, shuffling, dropout and augmentation. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  /** Use only the first N training and test images (quick checks). */
  limit: positiveInt('limit', 1_000_000_000).optional(),
});

export type TrainingSettings = z.output<typeof trainingSettingsSchema>;
export type ScheduleSettings = z.output<typeof scheduleSchema>;
/** What a graph document or a command line may say; everything else takes its default. */
export type TrainingSettingsInput = z.input<typeof trainingSettingsSchema>;
