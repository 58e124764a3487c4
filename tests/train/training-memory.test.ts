/**
 * The training-memory estimate and the refusal built on it: a design too large for the backend is
 * refused before any training process starts, with the estimate in the message.
 *
 * The estimate against the wasm backend, one design per fresh process, 3 training batches and 500
 * test images (tracked = tf.profile's peakBytes over the run; heap = growth of the wasm memory):
 *
 *   design (activations per sample)          batch  optimizer   estimate   tracked  heap      estimate/heap
 *   journey round 10 (314.7 KiB)              128   momentum    124.6 MiB   70.6 MiB  72.5 MiB  1.72
 *   journey round 10                          512   momentum    479.9 MiB  282.0 MiB 335.5 MiB  1.43
 *   journey round 10                          128   adam        125.0 MiB   70.6 MiB  72.5 MiB  1.72
 *   28×28, convs of 64/64/128 (1.5 MiB)       128   momentum    599.8 MiB  450.3 MiB 495.4 MiB  1.21
 *   28×28, convs of 64/64/128                 512   momentum      2.3 GiB    1.8 GiB   1.7 GiB  1.30
 *   28×28, convs of 64/64/128                 256   adam          1.1 GiB  899.3 MiB 881.9 MiB  1.33
 *   128×128×3, convs of 32/32/64 (15.7 MiB)    32   momentum      1.8 GiB    1.1 GiB   1.1 GiB  1.65
 *   128×128×3, convs of 32/32/64               64   momentum      3.3 GiB    2.2 GiB   2.3 GiB  1.46
 *   256×256×3, convs of 16/32/64 (20.8 MiB)    16   momentum      1.9 GiB  788.4 MiB   1.3 GiB  1.42
 *   256×256×3, convs of 16/32/64               48   momentum      3.8 GiB    2.3 GiB   2.6 GiB  1.45
 *   flatten, dense 4096/4096 (20M parameters)  64   adam          1.4 GiB    1.3 GiB   1.3 GiB  1.05
 *   flatten, dense 4096/4096                   64   momentum    566.3 MiB  485.5 MiB 764.3 MiB  0.74
 *
 * The one underestimate is the heap of a design whose weights are 50 MB tensors: Momentum's
 * update frees and allocates blocks that size, and the heap fragments; the tensors themselves
 * (tracked) stay within the estimate.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStudioService } from '../../main/api/studio-service.ts';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { ACTIVATION_FACTOR, estimateTrainingMemory, largestBatchWithin } from '../../main/analysis/training-memory.ts';
import { loadBackend } from '../../main/backends/ladder.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { limitDataset } from '../../main/data/dataset.ts';
import { evaluateModel } from '../../main/evaluate/evaluate-model.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { WASM_HEAP_LIMIT } from '../../main/backends/types.ts';
import { checkTrainingMemory, likelyBackend } from '../../main/train/memory-check.ts';
import type { TrainingEvent } from '../../main/train/events.ts';
import { runTraining } from '../../main/train/run-training.ts';
import { train } from '../../main/train/trainer.ts';
import type { TrainingHandle } from '../../main/train/worker/controller.ts';
import { chainOf } from '../support/graphs.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { hugeDesign, quickSettings } from '../support/training.ts';

const conv = (filters: number, size = 3) => ({ type: 'conv2d', params: { filters, kernelSize: [size, size], padding: 'same' } });
const relu = { type: 'activation', params: { function: 'relu' } };

const round10 = () => loadPreset(journeyPath(10));
const GiB = 1024 ** 3;

describe('the training-memory estimate', () => {
  const analysis = analyzeGraph(round10());

  it('adds weights, gradients, optimizer state, activations × batch × the backward factor, the batch and the evaluation', () => {
    const estimate = estimateTrainingMemory(analysis, { batchSize: 128, optimizer: 'sgd', momentum: 0.9 })!;
    expect(estimate.weightsBytes).toBe(10_088 * 4);
    expect(estimate.gradientBytes).toBe(9_896 * 4);
    // One velocity per trainable value, and Momentum's 5 temporaries of the largest weight (conv4, 4,608 values).
    expect(estimate.optimizerBytes).toBe((9_896 + 5 * 4_608) * 4);
    expect(estimate.activationBytes).toBe(128 * analysis.totals.activationBytes * ACTIVATION_FACTOR);
    expect(estimate.batchBytes).toBe(128 * (28 * 28 + 10) * 4);
    expect(estimate.totalBytes).toBe(
      estimate.weightsBytes + estimate.gradientBytes + estimate.optimizerBytes + estimate.activationBytes + estimate.batchBytes + estimate.evaluationBytes,
    );
    expect(estimate.largest).toEqual({ nodeId: 'conv2', shape: [24, 24, 16], bytesPerSample: 24 * 24 * 16 * 4 });
  });

  it.each([
    ['plain SGD', { optimizer: 'sgd', momentum: 0 }, 3 * 4_608],
    ['Momentum', { optimizer: 'sgd', momentum: 0.9 }, 9_896 + 5 * 4_608],
    ['Nesterov', { optimizer: 'sgd', momentum: 0.9, nesterov: true }, 9_896 + 7 * 4_608],
    ['Adam', { optimizer: 'adam', momentum: 0 }, 2 * 9_896 + 14 * 4_608],
    ['AdamW with weight decay', { optimizer: 'adamw', momentum: 0, weightDecay: 0.01 }, 2 * 9_896 + 16 * 4_608],
    ['Momentum with weight decay', { optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, 9_896 + 7 * 4_608],
  ] as const)('keeps the optimizer state and update temporaries of %s', (_name, optimizer, values) => {
    expect(estimateTrainingMemory(analysis, { batchSize: 1, ...optimizer })!.optimizerBytes).toBe(values * 4);
  });

  it('has nothing to say about a graph that is not valid', () => {
    expect(estimateTrainingMemory(analyzeGraph(chainOf([28, 28, 1], [conv(8)])), { batchSize: 1, optimizer: 'sgd', momentum: 0 })).toBeNull();
  });

  it('gives every replica the fixed part and its slice of the batch, in a heap of its own', () => {
    const one = estimateTrainingMemory(analysis, { batchSize: 128, optimizer: 'sgd', momentum: 0.9 })!;
    const three = estimateTrainingMemory(analysis, { batchSize: 128, optimizer: 'sgd', momentum: 0.9 }, 3)!;
    expect(three.replicas).toBe(3);
    expect(three.perReplicaBytes).toBe(one.fixedBytes + 43 * one.perSampleBytes); // slices of 43, 43 and 42
    expect(three.totalBytes).toBe(3 * one.fixedBytes + 128 * one.perSampleBytes);
    expect(one.perReplicaBytes).toBe(one.totalBytes);
    // No more replicas than images.
    expect(estimateTrainingMemory(analysis, { batchSize: 2, optimizer: 'sgd', momentum: 0.9 }, 8)!.replicas).toBe(2);
  });

  it('names the largest batch that fits', () => {
    const estimate = estimateTrainingMemory(analysis, { batchSize: 128, optimizer: 'sgd', momentum: 0.9 })!;
    const fits = largestBatchWithin(estimate, GiB);
    const at = (batch: number) => estimateTrainingMemory(analysis, { batchSize: batch, optimizer: 'sgd', momentum: 0.9 })!.totalBytes;
    expect(at(fits)).toBeLessThanOrEqual(GiB);
    expect(at(fits + 1)).toBeGreaterThan(GiB);
  });

  it('is above what training round 10 really takes on wasm, and not far above', async () => {
    const backend = await loadBackend('wasm');
    // 1,000 test images: the evaluation runs at its full batch of 500, as the estimate assumes.
    const settings = quickSettings({ epochs: 1, batchSize: 128, limit: 1000 });
    const dataset = limitDataset(await loadMnist(), 1000);
    const before = tf.memory().numBytes;
    const profile = await tf.profile(async () => {
      await train({ tf: backend.tf, backend: 'wasm', graph: round10(), dataset, settings, emit: () => {}, isCancelled: () => false });
      return [];
    });
    const peak = profile.peakBytes - before;
    const estimate = estimateTrainingMemory(analysis, settings)!;
    expect(peak).toBeLessThan(estimate.totalBytes);
    // The evaluation is added to the training step (see training-memory.ts); tracked tensors show
    // the larger of the two, the training step here.
    expect(peak).toBeGreaterThan((estimate.totalBytes - estimate.evaluationBytes) / 2.5);
  }, 60_000);

  it('holds a test pass of round 10 at its batch of 500 within the evaluation part, and not far below it', async () => {
    const backend = await loadBackend('wasm');
    const dataset = limitDataset(await loadMnist(), 1000);
    const model = compileGraph(backend.tf, round10(), { seed: 1 });
    const before = tf.memory().numBytes;
    const profile = await tf.profile(async () => {
      await evaluateModel(backend.tf, model, dataset, dataset.test, { logits: false });
      return [];
    });
    model.dispose();
    const peak = profile.peakBytes - before;
    const estimate = estimateTrainingMemory(analysis, quickSettings({ batchSize: 128 }))!;
    // Measured: 57 MB for batches of 500 (the widest block's input and output, about twice over).
    expect(peak).toBeLessThan(estimate.evaluationBytes);
    expect(peak).toBeGreaterThan(estimate.evaluationBytes / 1.5);
  }, 60_000);
});

describe('refusing a design too large for the backend', () => {
  it('refuses the huge design on wasm with the estimate, the limit and what to change', () => {
    expect(() => checkTrainingMemory(analyzeGraph(hugeDesign()), quickSettings({ batchSize: 64 }), 'wasm')).toThrow(
      "this design needs about 807.4 GiB to train at batch 64 (activations 777.0 GiB; largest: b1's 2048×2048×64 output); " +
        'the wasm backend can use at most 4.0 GiB — even a batch of 1 would not fit: shrink the input or the early layers',
    );
  });

  it('names a batch size that would fit when there is one', () => {
    const design = chainOf([256, 256, 3], [conv(32), relu, conv(32), relu, { type: 'globalAvgPool', params: { keepDims: true } }, conv(10, 1), { type: 'flatten' }, { type: 'output' }]);
    expect(() => checkTrainingMemory(analyzeGraph(design), quickSettings({ batchSize: 64 }), 'wasm')).toThrow(
      /^this design needs about 6\.6 GiB to train at batch 64 .* — lower the batch size \(36 would fit\) or shrink the early layers$/,
    );
    expect(() => checkTrainingMemory(analyzeGraph(design), quickSettings({ batchSize: 36 }), 'wasm')).not.toThrow();
  });

  it('accepts every journey round at its own settings', () => {
    for (let round = 1; round <= 10; round++) {
      const graph = loadPreset(journeyPath(round));
      expect(() => checkTrainingMemory(analyzeGraph(graph), quickSettings(graph.training), 'wasm')).not.toThrow();
    }
  });

  it('on several threads, checks each thread\'s heap against the wasm limit and all of them against half of the machine', () => {
    const design = analyzeGraph(chainOf([256, 256, 3], [conv(32), relu, conv(32), relu, { type: 'globalAvgPool', params: { keepDims: true } }, conv(10, 1), { type: 'flatten' }, { type: 'output' }]));
    const settings = quickSettings({ batchSize: 64 });
    // One thread: 6.6 GiB in one heap, refused; four: 16 images and 2.0 GiB each, 7.9 GiB in all.
    expect(() => checkTrainingMemory(design, settings, 'wasm', { threads: 1, machineBytes: 32 * GiB })).toThrow('(36 would fit)');
    expect(() => checkTrainingMemory(design, settings, 'wasm', { threads: 4, machineBytes: 32 * GiB })).not.toThrow();
    expect(() => checkTrainingMemory(design, settings, 'wasm', { threads: 4, machineBytes: 8 * GiB })).toThrow(
      /^this design needs about 7\.9 GiB to train at batch 64 on 4 threads \(activations 6\.1 GiB; .*\); 4 threads can use about 4\.0 GiB here \(half of this machine's memory\) — lower the batch size \(21 would fit\), use fewer threads or shrink the early layers$/,
    );
    expect(() => checkTrainingMemory(analyzeGraph(hugeDesign()), settings, 'wasm', { threads: 2 })).toThrow(
      /on 2 threads .*the wasm backend can use at most 4\.0 GiB per thread, and its share of the batch needs 417\.4 GiB — even a batch of 1 per thread would not fit: shrink the input or the early layers$/,
    );
  });

  it('gives the node and cpu backends half of the machine, and leaves CUDA to TensorFlow', () => {
    const design = analyzeGraph(chainOf([256, 256, 3], [conv(32), relu, conv(32), relu, { type: 'globalAvgPool', params: { keepDims: true } }, conv(10, 1), { type: 'flatten' }, { type: 'output' }]));
    const settings = quickSettings({ batchSize: 64 }); // about 6.6 GiB
    expect(() => checkTrainingMemory(design, settings, 'node', { machineBytes: 8 * GiB })).toThrow('the node backend can use about 4.0 GiB here (half of this machine');
    expect(() => checkTrainingMemory(design, settings, 'cpu', { machineBytes: 32 * GiB })).not.toThrow();
    expect(() => checkTrainingMemory(design, settings, 'node-gpu', { machineBytes: 8 * GiB })).not.toThrow();
  });

  it('checks `auto` against the first backend installed', () => {
    expect(likelyBackend('auto', () => false)).toBe('wasm');
    expect(likelyBackend('auto', (name) => name === '@tensorflow/tfjs-node')).toBe('node');
    expect(likelyBackend('auto', () => true)).toBe('node-gpu');
    expect(likelyBackend('cpu', () => true)).toBe('cpu');
  });

  it('knows the wasm heap limit of tfjs-backend-wasm 4.22: 65,536 pages of 64 KiB', () => {
    expect(WASM_HEAP_LIMIT).toBe(65_536 * 65_536 - 65_536);
  });
});

describe('the training process', () => {
  it('checks again with the backend it loaded, before it makes a run folder', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-runs-'));
    const events: TrainingEvent[] = [];
    await runTraining({ graph: hugeDesign(), settings: quickSettings({ batchSize: 64 }), backend: 'wasm', runsRoot, threads: 1 }, (event) => events.push(event), () => null);
    // Starting the backend is all it did before refusing: no data loaded, no model built.
    expect(events).toEqual([
      { type: 'phase', phase: 'backend', message: 'Starting the wasm backend…' },
      { type: 'failed', error: expect.stringMatching(/^this design needs about 807\.4 GiB to train at batch 64 /) },
    ]);
    expect(readdirSync(runsRoot)).toEqual([]);
  });
});

describe("the service's startTraining", () => {
  const started: unknown[] = [];
  const service = createStudioService({
    kind: 'browser',
    workspace: RESOURCES,
    runsRoot: '/nonexistent/runs',
    resourcesDir: RESOURCES,
    stateDir: '/nonexistent/state',
    emitTrainingEvent: () => {},
    // No process: the test only asks whether one would start.
    startTraining: (request): TrainingHandle => {
      started.push(request);
      return { cancel() {}, kill() {}, done: new Promise(() => {}) };
    },
  });
  // Each test counts the processes it starts itself.
  beforeEach(() => {
    started.length = 0;
  });

  it('refuses the huge design before starting a training process, with the estimate', async () => {
    await expect(service.startTraining({ graph: hugeDesign(), settings: { batchSize: 64 }, backend: 'wasm', threads: 1 })).rejects.toThrow(
      /^this design needs about 807\.4 GiB to train at batch 64 .*the wasm backend can use at most 4\.0 GiB/,
    );
    expect(started).toEqual([]);
  });

  it('starts journey round 10 at its own settings', async () => {
    const graph = round10();
    await expect(service.startTraining({ graph, settings: graph.training!, backend: 'wasm' })).resolves.toEqual({ runId: expect.any(String) });
    expect(started).toHaveLength(1);
  });
});
