/**
 * The training loop: compile the graph, then per epoch shuffle, train batch by batch, evaluate on
 * the test split and report. It runs wherever it is called (the worker process in the app and
 * CLI, in-process in tests) and reports only through `emit`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import { applyModelWeights } from '../compile/model-weights.ts';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { batchRanges, fillBatch } from '../data/batches.ts';
import type { ImageDataset } from '../data/dataset.ts';
import { seededRandom, shuffledIndices, type Random } from '../data/random.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { GraphWeights } from '../weights/types.ts';
import type { EpochEvent, TrainingEvent } from './events.ts';
import { setLearningRate } from './optimizers.ts';
import { createStepper, type BatchStepper, type StepOutcome } from './parallel/stepper.ts';
import { createSchedule } from './schedules.ts';
import { divergence } from './divergence.ts';
import { dropoutReseeder } from './dropout-seeds.ts';
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
  /** Called after each epoch with the model, to save the last and (when `best`) the best one. */
  checkpoint?: (model: tfjs.LayersModel, epoch: EpochEvent, best: boolean) => Promise<void>;
  /**
   * Threads to train on (data-parallel replicas, train/parallel/), on the wasm and cpu backends;
   * default 1. The run's numbers depend on it: repeatable for a given seed and thread count.
   */
  threads?: number;
}

const PROGRESS_INTERVAL_MS = 100;

export async function train(options: TrainOptions): Promise<void> {
  const { tf, dataset, settings, emit } = options;
  const analysis = analyzeGraph(options.graph);
  checkTrainingSetup(analysis, dataset, settings);

  const random = seededRandom(settings.seed);
  const batches = batchRanges(dataset.train.count, settings.batchSize);
  const schedule = createSchedule(settings.schedule, settings.learningRate, settings.epochs, batches.length);
  emit({ type: 'phase', phase: 'model', message: 'Building the model…' });
  const { model, optimizer, logits } = buildTrainingModel(tf, options.graph, analysis, settings, schedule.rate(0, 0));
  if (options.initialWeights) {
    try {
      applyModelWeights(tf, model, options.graph, analysis, options.initialWeights, 'the initial weights');
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  const reseedDropout = dropoutReseeder(model, settings.seed);

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
      epochs: settings.epochs,
      batchesPerEpoch: batches.length,
      trainImages: dataset.train.count,
      testImages: dataset.test.count,
    });
    const runStart = performance.now();
    let best = { accuracy: -1, epoch: 0 };
    let imagesPerSecond = 0;
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffledIndices(dataset.train.count, random);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let learningRate = NaN;
      let lastReport = 0;
      for (let b = 0; b < batches.length; b++) {
        if (options.isCancelled()) {
          emit({ type: 'cancelled', epochsDone: epoch });
          return;
        }
        const rate = schedule.rate(epoch, b);
        if (rate !== learningRate) setLearningRate(optimizer, (learningRate = rate));
        const [start, end] = batches[b]!;
        reseedDropout();
        const { loss, accuracy } = await trainBatch(stepper, dataset, order.subarray(start, end), settings, random, learningRate);
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
            imagesPerSecond,
            epochEtaSeconds: epochLeft,
            runEtaSeconds: epochLeft + (settings.epochs - epoch - 1) * (dataset.train.count / imagesPerSecond),
          });
        }
        // Let messages in (a cancel from the parent process) between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }

      const test = await stepper.evaluate(dataset.test, { logits, maxMisclassified: 0 });
      const diverged = divergence(test.loss, { epoch: epoch + 1, batch: null, batches: batches.length, learningRate });
      if (diverged) {
        emit(diverged);
        return;
      }
      const improved = test.accuracy > best.accuracy;
      if (improved) best = { accuracy: test.accuracy, epoch: epoch + 1 };
      schedule.epochEnded(test.loss);
      const event: EpochEvent = {
        type: 'epoch',
        epoch: epoch + 1,
        trainLoss: lossSum / seen,
        trainAccuracy: correctSum / seen,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        learningRate,
        seconds: (performance.now() - epochStart) / 1000,
        imagesPerSecond,
        bestTestAccuracy: best.accuracy,
        bestEpoch: best.epoch,
        tensors: stepper.tensors(),
      };
      await options.checkpoint?.(model, event, improved);
      emit(event);
    }
    emit({
      type: 'finished',
      epochs: settings.epochs,
      bestTestAccuracy: best.accuracy,
      bestEpoch: best.epoch,
      seconds: (performance.now() - runStart) / 1000,
    });
  } finally {
    await stepper?.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

async function trainBatch(
  stepper: BatchStepper,
  dataset: ImageDataset,
  indices: Uint32Array,
  settings: TrainingSettings,
  random: Random,
  learningRate: number,
): Promise<StepOutcome> {
  return stepper.step(fillBatch(dataset, dataset.train, indices, settings.augment, random), learningRate);
}
