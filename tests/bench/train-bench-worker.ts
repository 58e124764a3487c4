/**
 * One backend's training and inference speed on journey round 10, measured in a process of its
 * own so that its peak memory is its own. Prints one JSON line.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { loadBackend, type BackendName } from '../../main/backends/ladder.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { describeError } from '../../main/errors.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

export interface TrainBenchRow {
  backend: BackendName;
  available: boolean;
  detail: string;
  batchSize: number;
  /** Median over the timed steps, after warm-up. */
  trainStepMs: number | null;
  trainImagesPerSecond: number | null;
  inferenceImagesPerSecond: number | null;
  /** Peak resident memory of the whole process, MiB. */
  peakMemoryMiB: number | null;
}

const BATCH = 64;
const INFERENCE_BATCH = 1000;

async function measure(backendName: BackendName): Promise<TrainBenchRow> {
  const row: TrainBenchRow = { backend: backendName, available: false, detail: '', batchSize: BATCH, trainStepMs: null, trainImagesPerSecond: null, inferenceImagesPerSecond: null, peakMemoryMiB: null };
  let backend;
  try {
    backend = await loadBackend(backendName);
  } catch (error) {
    row.detail = describeError(error);
    return row;
  }
  row.available = true;
  row.detail = backend.detail;
  const { tf } = backend;
  // The plain JavaScript backend takes seconds a step; a few steps tell its speed well enough.
  const slow = backendName === 'cpu';
  const [warmUp, timed, inferenceRuns] = slow ? [1, 3, 1] : [5, 30, 5];

  const mnist = await loadMnist();
  const model = compileGraph(tf, loadPreset(journeyPath(10)), { seed: 1 });
  model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const random = seededRandom(1);
  const batchAt = (step: number) => {
    const indices = Uint32Array.from({ length: BATCH }, (_, i) => (step * BATCH + i) % mnist.train.count);
    const batch = fillBatch(mnist, mnist.train, indices, { rotate: 0, shift: 0 }, random);
    return [tf.tensor4d(batch.images, [BATCH, 28, 28, 1]), tf.tensor2d(batch.labels, [BATCH, 10])] as const;
  };

  const stepTimes: number[] = [];
  for (let step = 0; step < warmUp + timed; step++) {
    const [x, y] = batchAt(step);
    const start = performance.now();
    await model.trainOnBatch(x, y);
    if (step >= warmUp) stepTimes.push(performance.now() - start);
    x.dispose();
    y.dispose();
  }
  row.trainStepMs = median(stepTimes);
  row.trainImagesPerSecond = (BATCH / row.trainStepMs) * 1000;

  const inferenceSize = slow ? 128 : INFERENCE_BATCH;
  const indices = Uint32Array.from({ length: inferenceSize }, (_, i) => i);
  const test = fillBatch(mnist, mnist.test, indices, { rotate: 0, shift: 0 }, random);
  const x = tf.tensor4d(test.images, [inferenceSize, 28, 28, 1]);
  const inferenceTimes: number[] = [];
  for (let run = 0; run < inferenceRuns + 1; run++) {
    const start = performance.now();
    const output = model.predict(x) as tfjs.Tensor;
    await output.data();
    output.dispose();
    if (run > 0) inferenceTimes.push(performance.now() - start);
  }
  x.dispose();
  row.inferenceImagesPerSecond = (inferenceSize / median(inferenceTimes)) * 1000;
  row.peakMemoryMiB = process.resourceUsage().maxRSS / 1024;
  return row;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const row = await measure(process.argv[2] as BackendName);
// The wasm backend's worker threads would keep the process alive: leave once the line is out.
process.stdout.write(`${JSON.stringify(row)}\n`, () => process.exit(0));
