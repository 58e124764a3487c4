/**
 * Where one training step of journey round 10 spends its time on the wasm backend, kernel by
 * kernel (batch 64, momentum SGD, as the training benchmark). Runs in a process of its own and
 * prints one JSON line: the kernels' mean time and calls per step, and the step's own wall time
 * to compare their sum with.
 */
import { loadBackend } from '../../main/backends/ladder.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { KernelProfiler, type KernelStat } from './kernel-profiler.ts';

export interface KernelProfile {
  backend: string;
  /** What loaded, e.g. "SIMD, 1 thread". */
  detail: string;
  batchSize: number;
  /** Profiled steps (after the warm-up ones); every figure below is a mean per step. */
  steps: number;
  /** Wall time of one trainOnBatch call, timer overhead included, milliseconds. */
  stepMs: number;
  /** Per kernel: `calls` and `ms` per step, slowest first. */
  kernels: KernelStat[];
}

const BATCH = 64;
const WARM_UP = 5;
const STEPS = 20;

async function profile(): Promise<KernelProfile> {
  const { tf, detail } = await loadBackend('wasm');
  const mnist = await loadMnist();
  const model = compileGraph(tf, loadPreset(journeyPath(10)), { seed: 1 });
  model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const random = seededRandom(1);
  const profiler = new KernelProfiler(tf, 'wasm');
  let stepMs = 0;
  for (let step = 0; step < WARM_UP + STEPS; step++) {
    const indices = Uint32Array.from({ length: BATCH }, (_, i) => (step * BATCH + i) % mnist.train.count);
    const batch = fillBatch(mnist, mnist.train, indices, { rotate: 0, shift: 0 }, random);
    const x = tf.tensor4d(batch.images, [BATCH, 28, 28, 1]);
    const y = tf.tensor2d(batch.labels, [BATCH, 10]);
    // The first steps pay for kernel set-up and heap growth: profile only the ones after them.
    if (step === WARM_UP) profiler.start();
    const started = performance.now();
    await model.trainOnBatch(x, y);
    if (step >= WARM_UP) stepMs += performance.now() - started;
    x.dispose();
    y.dispose();
  }
  profiler.stop();
  const kernels = profiler.report().map((stat) => ({ name: stat.name, calls: stat.calls / STEPS, ms: stat.ms / STEPS }));
  return { backend: 'wasm', detail, batchSize: BATCH, steps: STEPS, stepMs: stepMs / STEPS, kernels };
}

const result = await profile();
// The wasm backend's worker threads would keep the process alive: leave once the line is out.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
