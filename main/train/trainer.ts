/**
 * The training loop: compile the graph, hold the validation split out of the training images,
 * then per epoch shuffle, train batch by batch, measure (a clean pass over a sample of the
 * training images, the validation split, the test split), choose the best epoch on validation
 * accuracy and report. It runs wherever it is called (the worker process in the app and CLI,
 * in-process in tests) and reports only through `emit`. A run can start from a checkpoint of an
 * earlier one (`resume`) and then continues exactly as if it had never stopped.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import { applyModelWeights } from '../compile/model-weights.ts';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { batchRanges, fillBatch } from '../data/batches.ts';
import type { ImageDataset, ImageSplit } from '../data/dataset.ts';
import { seededRandom, shuffledIndices, type Random } from '../data/random.ts';
import { cleanTrainSample, holdOut } from '../data/validation-split.ts';
import type { GraphDocument } from '../graph/types.ts';
import { validationCount, type TrainingSettings } from '../graph/training-settings.ts';
import type { GraphWeights } from '../weights/types.ts';
import type { TrainingCheckpoint } from './checkpoint.ts';
import type { EpochEvent, TrainingEvent } from './events.ts';
import type { StudioOptimizer } from './optimizers.ts';
import { createStepper, type BatchStepper, type StepOutcome, type StepRates } from './parallel/stepper.ts';
import { trainableVariables } from './parallel/slice-gradients.ts';
import { createSchedule } from './schedules.ts';
import { divergence } from './divergence.ts';
import { dropoutReseeder } from './dropout-seeds.ts';
import { monitoredLoss, nextBest, NO_BEST_EPOCH, type BestEpoch } from './selection.ts';
import { checkTrainingSetup } from './setup-checks.ts';
import { threadsFor } from './thread-count.ts';
import { buildTrainingModel } from './training-model.ts';

export interface TrainOptions {
  tf: TensorFlow;
  backend: string;
  graph: GraphDocument;
  dataset: ImageDataset;
  settings: TrainingSettings;
  emit: (event: TrainingEvent) => void;
  /** Checked between batches; the run stops at the next batch once it is true. */
  isCancelled: () => boolean;
  runDir?: string | null;
  /** Weights to start from instead of the seeded initialisation (fine-tuning), by block id. */
  initialWeights?: GraphWeights;
  /**
   * Called after each epoch, before its event goes out, with the model and everything a resumed
   * run needs, to save the last model, the best one (when `best`) and the checkpoint.
   */
  checkpoint?: (model: tfjs.LayersModel, epoch: EpochEvent, best: boolean, state: TrainingCheckpoint) => Promise<void>;
  /** Where to carry on from: the checkpoint of an earlier run with the same graph and settings. */
  resume?: TrainingCheckpoint;
  /**
   * Epochs to train in all (a resumed run may go past its settings' epochs); default the
   * settings' epochs. The schedule keeps the settings' length: past it, one-cycle and cosine
   * stay at their final rate.
   */
  epochs?: number;
  /**
   * Threads to train on (data-parallel replicas, train/parallel/), on the wasm and cpu backends;
   * default 1. The run's numbers depend on it: repeatable for a given seed and thread count.
   */
  threads?: number;
}

const PROGRESS_INTERVAL_MS = 100;

/** Inputs to one run's measurements after each epoch. */
interface Splits {
  train: ImageSplit;
  validation: ImageSplit | null;
  cleanTrain: ImageSplit;
}

export async function train(options: TrainOptions): Promise<void> {
  const { tf, settings, emit } = options;
  const analysis = analyzeGraph(options.graph);
  checkTrainingSetup(analysis, options.dataset, settings);
  const splits = splitTraining(options.dataset, settings);
  const dataset: ImageDataset = { ...options.dataset, train: splits.train };
  const epochs = options.epochs ?? settings.epochs;
  const resume = options.resume;

  const random = seededRandom(resume?.random ?? settings.seed);
  const batches = batchRanges(dataset.train.count, settings.batchSize);
  const schedule = createSchedule(settings.schedule, settings.learningRate, settings.epochs, batches.length, settings.warmup);
  if (resume) schedule.restore(resume.schedule);
  emit({ type: 'phase', phase: 'model', message: 'Building the model…' });
  const { model, optimizer, logits } = buildTrainingModel(tf, options.graph, analysis, settings, schedule.rate(0, 0));
  try {
    if (options.initialWeights) applyModelWeights(tf, model, options.graph, analysis, options.initialWeights, 'the initial weights');
    if (resume) restoreCheckpoint(tf, model, optimizer, resume);
  } catch (error) {
    model.dispose();
    optimizer.dispose();
    throw error;
  }
  const reseedDropout = dropoutReseeder(model, settings.seed, resume?.dropout);

  let stepper: BatchStepper | undefined;
  try {
    const threads = Math.min(threadsFor(options.backend, options.threads ?? 1), settings.batchSize);
    if (threads > 1) emit({ type: 'phase', phase: 'threads', message: `Starting ${threads} training threads…` });
    stepper = await createStepper({ tf, backend: options.backend, threads, model, optimizer, graph: options.graph, settings, dataset, learningRate: schedule.rate(0, 0) });
    emit({
      type: 'started',
      backend: options.backend,
      threads: stepper.threads,
      runDir: options.runDir ?? null,
      params: { trainable: analysis.totals.params.trainable, nonTrainable: analysis.totals.params.nonTrainable },
      epochs,
      batchesPerEpoch: batches.length,
      trainImages: dataset.train.count,
      validationImages: splits.validation?.count ?? 0,
      testImages: dataset.test.count,
      resumedAfter: resume?.epoch ?? 0,
    });
    const runStart = performance.now();
    let best: BestEpoch = resume?.best ?? NO_BEST_EPOCH(splits.validation ? 'validation' : 'test');
    let imagesPerSecond = 0;
    for (let epoch = resume?.epoch ?? 0; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffledIndices(dataset.train.count, random);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let learningRate = NaN;
      let momentum: number | null = null;
      let lastReport = 0;
      for (let b = 0; b < batches.length; b++) {
        if (options.isCancelled()) {
          emit({ type: 'cancelled', epochsDone: epoch });
          return;
        }
        learningRate = schedule.rate(epoch, b);
        momentum = schedule.momentum(epoch, b);
        const [start, end] = batches[b]!;
        reseedDropout();
        const { loss, accuracy } = await trainBatch(stepper, dataset, order.subarray(start, end), settings, random, { learningRate, momentum });
        const diverged = divergence(loss, { epoch: epoch + 1, batch: b + 1, batches: batches.length, learningRate });
        if (diverged) {
          emit(diverged);
          return;
        }
        lossSum += loss * (end - start);
        correctSum += accuracy * (end - start);
        seen += end - start;

        const now = performance.now();
        imagesPerSecond = (seen / (now - epochStart)) * 1000;
        if (now - lastReport >= PROGRESS_INTERVAL_MS || b === batches.length - 1) {
          lastReport = now;
          const epochLeft = (dataset.train.count - seen) / imagesPerSecond;
          emit({
            type: 'batch',
            epoch: epoch + 1,
            batch: b + 1,
            batches: batches.length,
            imagesDone: seen,
            loss: lossSum / seen,
            accuracy: correctSum / seen,
            learningRate,
            momentum,
            imagesPerSecond,
            epochEtaSeconds: epochLeft,
            runEtaSeconds: epochLeft + (epochs - epoch - 1) * (dataset.train.count / imagesPerSecond),
          });
        }
        // Let messages in (a cancel from the parent process) between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }

      const measure = (split: ImageSplit) => stepper!.evaluate(split, { logits, maxMisclassified: 0 });
      const cleanTrain = await measure(splits.cleanTrain);
      const validation = splits.validation ? await measure(splits.validation) : null;
      const test = await measure(dataset.test);
      for (const [split, result] of [['validation', validation], ['test', test]] as const) {
        const diverged = result && divergence(result.loss, { epoch: epoch + 1, batch: null, split, batches: batches.length, learningRate });
        if (diverged) {
          emit(diverged);
          return;
        }
      }
      const scores = { validationLoss: validation?.loss ?? null, validationAccuracy: validation?.accuracy ?? null, testLoss: test.loss, testAccuracy: test.accuracy };
      const next = nextBest(best, epoch + 1, scores);
      best = next.best;
      schedule.epochEnded(monitoredLoss(scores));
      const event: EpochEvent = {
        type: 'epoch',
        epoch: epoch + 1,
        trainLoss: lossSum / seen,
        trainAccuracy: correctSum / seen,
        cleanTrainLoss: cleanTrain.loss,
        cleanTrainAccuracy: cleanTrain.accuracy,
        ...scores,
        learningRate,
        seconds: (performance.now() - epochStart) / 1000,
        imagesPerSecond,
        selectedBy: best.selectedBy,
        bestEpoch: best.epoch,
        bestValidationAccuracy: best.validationAccuracy,
        bestTestAccuracy: best.testAccuracy,
        tensors: stepper.tensors(),
      };
      if (options.checkpoint) {
        const seconds = (resume?.seconds ?? 0) + (performance.now() - runStart) / 1000;
        const state = captureCheckpoint(model, optimizer, { epoch: epoch + 1, random: random.state(), dropout: reseedDropout.state(), schedule: schedule.state(), best, event, seconds });
        await options.checkpoint(model, event, next.improved, state);
      }
      emit(event);
    }
    emit({
      type: 'finished',
      epochs,
      selectedBy: best.selectedBy,
      bestEpoch: best.epoch,
      bestValidationAccuracy: best.validationAccuracy,
      bestTestAccuracy: best.testAccuracy,
      seconds: (resume?.seconds ?? 0) + (performance.now() - runStart) / 1000,
    });
  } finally {
    await stepper?.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/** The training images without the validation split, the split itself, and the clean pass's sample. */
function splitTraining(dataset: ImageDataset, settings: TrainingSettings): Splits {
  const held = validationCount(settings.validation, dataset.train.count);
  const { train, validation } = holdOut(dataset.train, held);
  return { train, validation: held > 0 ? validation : null, cleanTrain: cleanTrainSample(train) };
}

/** The model's weights in model.weights order, the optimizer's state in trainable-weights order. */
function captureCheckpoint(
  model: tfjs.LayersModel,
  optimizer: StudioOptimizer,
  progress: Omit<TrainingCheckpoint, 'weights' | 'optimizer'>,
): TrainingCheckpoint {
  const weights = model.getWeights().map((tensor) => new Float32Array(tensor.dataSync() as Float32Array));
  return { ...progress, weights, optimizer: optimizer.exportState(trainableVariables(model)) };
}

function restoreCheckpoint(tf: TensorFlow, model: tfjs.LayersModel, optimizer: StudioOptimizer, checkpoint: TrainingCheckpoint): void {
  const current = model.getWeights();
  if (current.length !== checkpoint.weights.length || current.some((tensor, i) => tensor.size !== checkpoint.weights[i]!.length)) {
    throw new Error(`the checkpoint's weights do not fit the model (${checkpoint.weights.length} weights saved, ${current.length} in the model)`);
  }
  const saved = current.map((tensor, i) => tf.tensor(checkpoint.weights[i]!, tensor.shape));
  model.setWeights(saved);
  tf.dispose(saved);
  optimizer.importState(trainableVariables(model), checkpoint.optimizer);
}

async function trainBatch(
  stepper: BatchStepper,
  dataset: ImageDataset,
  indices: Uint32Array,
  settings: TrainingSettings,
  random: Random,
  rates: StepRates,
): Promise<StepOutcome> {
  return stepper.step(fillBatch(dataset, dataset.train, indices, settings.augment, random), rates);
}
