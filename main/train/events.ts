/**
 * What a training run reports, in order: phases while it gets ready, started, then batch progress
 * and epoch ends, then one of finished, diverged, failed or cancelled. The same events travel from the worker process to the CLI, the
 * desktop app and the browser mode, so they are schema-checked where they cross a boundary.
 */
import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * Before `started`, what the run is busy with, so the studio can say why nothing moves yet (loading
 * the backend and the data can take seconds): `message` is written for the user.
 */
export const phaseEvent = z.strictObject({
  type: z.literal('phase'),
  phase: z.enum(['backend', 'data', 'model', 'threads']),
  message: z.string(),
});

export const startedEvent = z.strictObject({
  type: z.literal('started'),
  backend: z.string(),
  /** Threads it trains on (data-parallel replicas on wasm and cpu; 1 on the native backends, which schedule their own). */
  threads: count.min(1),
  runDir: z.string().nullable(),
  params: z.strictObject({ trainable: count, nonTrainable: count }),
  epochs: count,
  batchesPerEpoch: count,
  /** Training images the batches come from, after the validation split is held out. */
  trainImages: count,
  /** Images held out of the training set to choose the best epoch on; 0 without a split. */
  validationImages: count,
  testImages: count,
  /** The epoch a resumed run continues after; 0 for a new run. */
  resumedAfter: count,
});

/** At most about ten a second. Epochs count from 1. */
export const batchEvent = z.strictObject({
  type: z.literal('batch'),
  epoch: count,
  batch: count,
  batches: count,
  imagesDone: count,
  /** Running means over the epoch so far. */
  loss: z.number(),
  accuracy: z.number(),
  learningRate: z.number(),
  /** SGD's momentum or Adam's β1 for this batch, when one-cycle cycles it; null otherwise. */
  momentum: z.number().nullable(),
  imagesPerSecond: z.number(),
  /** Seconds left in this epoch and in the whole run. */
  epochEtaSeconds: z.number(),
  runEtaSeconds: z.number(),
});

/** Which split chose the best epoch: the validation split, or the test set for a run without one. */
export const selectedBy = z.enum(['validation', 'test']);

export const epochEvent = z.strictObject({
  type: z.literal('epoch'),
  epoch: count,
  /** Running means over the epoch's batches, measured while dropout and augmentation act on them. */
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  /**
   * A clean pass after the epoch (no dropout, no augmentation, BatchNorm's moving statistics) over
   * a fixed sample of the training images: the figure to compare with validation and test.
   */
  cleanTrainLoss: z.number().nullable(),
  cleanTrainAccuracy: z.number().nullable(),
  /** On the validation split; null for a run without one. */
  validationLoss: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  /** The rate the last batch of the epoch used. */
  learningRate: z.number(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
  /** The best epoch so far, chosen on `selectedBy`'s accuracy, and its validation and test accuracy. */
  selectedBy,
  bestEpoch: count,
  bestValidationAccuracy: z.number().nullable(),
  bestTestAccuracy: z.number(),
  /** Live tensors after the epoch; flat from epoch to epoch when nothing leaks. */
  tensors: count,
});

export const finishedEvent = z.strictObject({
  type: z.literal('finished'),
  epochs: count,
  /** As in the epoch event: the best epoch, what chose it, and its validation and test accuracy. */
  selectedBy,
  bestEpoch: count,
  bestValidationAccuracy: z.number().nullable(),
  bestTestAccuracy: z.number(),
  seconds: z.number(),
});

/**
 * The loss stopped being a number (NaN or ±Infinity): the run stops there, since every later
 * batch would only train on NaN weights. The models saved at earlier epochs are kept.
 */
export const divergedEvent = z.strictObject({
  type: z.literal('diverged'),
  /** Counted from 1. */
  epoch: count,
  /** The batch whose training loss was not a number, counted from 1; null when it was the test loss after the epoch. */
  batch: count.nullable(),
  /** What the loss became, spelled out: JSON has no NaN or Infinity. */
  loss: z.enum(['NaN', 'Infinity', '-Infinity']),
  learningRate: z.number(),
  /** One line for the user, after "diverged:": where the loss stopped being a number, and what to do. */
  message: z.string(),
});

export const failedEvent = z.strictObject({ type: z.literal('failed'), error: z.string() });
export const cancelledEvent = z.strictObject({ type: z.literal('cancelled'), epochsDone: count });

export const trainingEventSchema = z.discriminatedUnion('type', [
  phaseEvent,
  startedEvent,
  batchEvent,
  epochEvent,
  finishedEvent,
  divergedEvent,
  failedEvent,
  cancelledEvent,
]);

export type TrainingEvent = z.output<typeof trainingEventSchema>;
export type EpochEvent = z.output<typeof epochEvent>;
export type BatchEvent = z.output<typeof batchEvent>;
export type DivergedEvent = z.output<typeof divergedEvent>;
export type SelectedBy = z.output<typeof selectedBy>;
