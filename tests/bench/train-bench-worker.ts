/**
 * One backend's training and test-pass speed on journey round 10 at one thread count, measured
 * in a process of its own (its peak memory is its own). The steps go through the trainer's own
 * stepper (train/parallel/): one thread, or N replicas with the all-reduce, batch 64, momentum
 * SGD as the seed notebook; the batches are made before the timed steps, as PyTorch's are
 * (pytorch_round10.py). The test pass is the trainer's evaluation of the 10,000 test images.
 * Prints one JSON line.
 *
 *   node --import tsx tests/bench/train-bench-worker.ts wasm 2
 */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { loadBackend, type BackendName } from '../../main/backends/ladder.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { describeError } from '../../main/errors.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createStepper } from '../../main/train/parallel/stepper.ts';
import { buildTrainingModel } from '../../main/train/training-model.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

export interface TrainBenchRow {
  backend: BackendName;
  threads: number;
  available: boolean;
  detail: string;
  batchSize: number;
  /** Median over the timed steps, after the warm-up. */
  trainStepMs: number | null;
  trainImagesPerSecond: number | null;
  /** Median of three evaluations of the 10,000 test images (the per-epoch test pass). */
  testPassSeconds: number | null;
  inferenceImagesPerSecond: number | null;
  /** Peak resident memory of the whole process, MiB. */
  peakMemoryMiB: number | null;
}

export const BATCH = 64;

/**
 * Steps before timing: V8 compiles the generated kernels' hot functions in the background (tier-up)
 * for the first hundred steps or so; timing before it is done measures the compiler.
 */
const WARM_UP = 150;
const TIMED = 60;

async function measure(backendName: BackendName, threads: number): Promise<TrainBenchRow> {
  const row: TrainBenchRow = { backend: backendName, threads, available: false, detail: '', batchSize: BATCH, trainStepMs: null, trainImagesPerSecond: null, testPassSeconds: null, inferenceImagesPerSecond: null, peakMemoryMiB: null };
  let backend;
  try {
    backend = await loadBackend(backendName, { wasmThreads: 1 });
  } catch (error) {
    row.detail = describeError(error);
    return row;
  }
  row.available = true;
  row.detail = backend.detail;
  const { tf } = backend;
  // The plain JavaScript backend takes seconds a step; a few steps tell its speed well enough.
  const slow = backendName === 'cpu';
  const [warmUp, timed, passes] = slow ? [1, 3, 1] : [WARM_UP, TIMED, 3];

  const mnist = await loadMnist();
  const graph = loadPreset(journeyPath(10));
  const settings = trainingSettingsSchema.parse({ batchSize: BATCH, optimizer: 'sgd', learningRate: 0.01, momentum: 0.9, seed: 1 });
  const { model, optimizer, logits } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, settings.learningRate);
  const stepper = await createStepper({ tf, backend: backendName, threads, model, optimizer, graph, settings, dataset: mnist, learningRate: settings.learningRate });
  row.threads = stepper.threads;
  const random = seededRandom(1);
  const batches = Array.from({ length: 8 }, (_, b) => fillBatch(mnist, mnist.train, Uint32Array.from({ length: BATCH }, (_, i) => b * BATCH + i), { rotate: 0, shift: 0 }, random));

  const stepTimes: number[] = [];
  for (let step = 0; step < warmUp + timed; step++) {
    const start = performance.now();
    await stepper.step(batches[step % batches.length]!, { learningRate: settings.learningRate, momentum: null });
    if (step >= warmUp) stepTimes.push(performance.now() - start);
  }
  row.trainStepMs = median(stepTimes);
  row.trainImagesPerSecond = (BATCH / row.trainStepMs) * 1000;

  const test = slow ? { ...mnist.test, count: 500 } : mnist.test;
  const passTimes: number[] = [];
  for (let pass = 0; pass < passes + 1; pass++) {
    const start = performance.now();
    await stepper.evaluate(test, { logits, maxMisclassified: 0 });
    if (pass > 0) passTimes.push((performance.now() - start) / 1000);
  }
  row.testPassSeconds = median(passTimes) * (mnist.test.count / test.count);
  row.inferenceImagesPerSecond = test.count / median(passTimes);
  await stepper.dispose();
  row.peakMemoryMiB = process.resourceUsage().maxRSS / 1024;
  return row;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const row = await measure(process.argv[2] as BackendName, Number(process.argv[3] ?? 1));
// The wasm backend's worker threads would keep the process alive: leave once the line is out.
process.stdout.write(`${JSON.stringify(row)}\n`, () => process.exit(0));
