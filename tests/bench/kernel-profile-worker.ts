/**
 * Where one training step of journey round 10 spends its time on the wasm backend, op by op:
 * the training program's layers (a fused BatchNorm block counts as one op, "relu1+bn1+dropout1")
 * forward and backward, the loss, and what is left outside them (the optimizer's in-place
 * update, the batch's copy into the heap). Batch 64, momentum SGD, one thread, as the training
 * benchmark. Runs in a process of its own and prints one JSON line.
 */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { loadBackend } from '../../main/backends/ladder.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { seededRandom } from '../../main/data/random.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { programFor } from '../../main/train/parallel/slice-gradients.ts';
import { LocalStepper } from '../../main/train/parallel/stepper.ts';
import { buildTrainingModel } from '../../main/train/training-model.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

export interface KernelStat {
  name: string;
  calls: number;
  ms: number;
}

export interface KernelProfile {
  backend: string;
  /** What loaded, e.g. "SIMD, FMA, 2 threads". */
  detail: string;
  batchSize: number;
  /** Profiled steps (after the warm-up ones); every figure below is a mean per step. */
  steps: number;
  /** Wall time of one step, timers included, milliseconds. */
  stepMs: number;
  /** Per op: `calls` and `ms` per step, slowest first. */
  kernels: KernelStat[];
}

const BATCH = 64;
/** V8 tiers the generated kernels up in the background for the first hundred steps or so. */
const WARM_UP = 150;
const STEPS = 40;

async function profile(): Promise<KernelProfile> {
  const { tf, detail } = await loadBackend('wasm', { wasmThreads: 1 });
  const mnist = await loadMnist();
  const graph = loadPreset(journeyPath(10));
  const settings = trainingSettingsSchema.parse({ batchSize: BATCH, optimizer: 'sgd', learningRate: 0.01, momentum: 0.9, seed: 1 });
  const { model, optimizer } = buildTrainingModel(tf, graph, analyzeGraph(graph), settings, settings.learningRate);
  const stepper = new LocalStepper(tf, model, optimizer, mnist);
  const random = seededRandom(1);
  const batches = Array.from({ length: 8 }, (_, b) => fillBatch(mnist, mnist.train, Uint32Array.from({ length: BATCH }, (_, i) => b * BATCH + i), { rotate: 0, shift: 0 }, random));
  for (let step = 0; step < WARM_UP; step++) await stepper.step(batches[step % 8]!, { learningRate: settings.learningRate, momentum: null });
  const program = programFor(tf, model);
  if (!program) throw new Error('round 10 does not run as a training program');
  program.timings = new Map();
  let stepMs = 0;
  for (let step = 0; step < STEPS; step++) {
    const started = performance.now();
    await stepper.step(batches[step % 8]!, { learningRate: settings.learningRate, momentum: null });
    stepMs += performance.now() - started;
  }
  const kernels = [...program.timings].map(([name, ms]) => ({ name, calls: 1, ms: ms / STEPS }));
  const inside = kernels.reduce((sum, k) => sum + k.ms, 0);
  kernels.push({ name: 'outside the ops (optimizer, batch copy, bookkeeping)', calls: 1, ms: stepMs / STEPS - inside });
  kernels.sort((a, b) => b.ms - a.ms);
  return { backend: 'wasm', detail, batchSize: BATCH, steps: STEPS, stepMs: stepMs / STEPS, kernels };
}

const result = await profile();
// The wasm backend's worker threads would keep the process alive: leave once the line is out.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
