/**
 * The run rules on real runs: round 7 and round 10 trained for real on the wasm backend (a few
 * dozen to a few thousand MNIST images, seeded, so each run repeats), then judged on the metrics
 * they actually reported. Each rule must hold its premise against the run and its advice against
 * the graph: no over-fitting where held-out accuracy overtook the clean train accuracy or where
 * nothing was learned, no under-fitting where the network over-fits, and no "add Dropout" to a graph that has
 * Dropout after every block.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adviseRun } from '../../main/advice/index.ts';
import { heldOutFigure, trainFigure } from '../../main/advice/epochs.ts';
import { overFitting } from '../../main/advice/rules/over-fitting.ts';
import { loadBackend } from '../../main/backends/ladder.ts';
import { limitDataset, type ImageDataset } from '../../main/data/dataset.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import type { TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import { train } from '../../main/train/trainer.ts';
import { journeyRound, OPTIONS, runContext, settingsOf } from './helpers.ts';

let mnist: ImageDataset;
beforeAll(async () => {
  mnist = await loadMnist();
});

async function realRun(graph: GraphDocument, input: TrainingSettingsInput) {
  const backend = await loadBackend('wasm');
  // A few dozen images leave too few to hold out: these runs judge on the test set, as a run
  // without a validation split does (tests/train covers the split).
  const settings = settingsOf({ batchSize: 16, learningRate: 0.05, seed: 3, validation: 'none', ...input });
  const epochs: EpochEvent[] = [];
  await train({
    tf: backend.tf,
    backend: backend.name,
    graph,
    dataset: limitDataset(mnist, settings.limit),
    settings,
    emit: (event) => void (event.type === 'epoch' && epochs.push(event)),
    isCancelled: () => false,
  });
  return runContext(epochs, settings, graph);
}

const withDropout = (graph: GraphDocument, rate: number): GraphDocument => ({
  ...graph,
  nodes: graph.nodes.map((node) => (node.type === 'dropout' ? { ...node, params: { rate } } : node)),
});

/** What every rule must respect on any stretch of a real run, whatever its numbers. */
function expectPremisesHeld(run: ReturnType<typeof runContext>) {
  for (let end = 1; end <= run.epochs.length; end++) {
    const sofar = { ...run, epochs: run.epochs.slice(0, end) };
    const window = sofar.epochs.slice(-OPTIONS.lastEpochs);
    const notes = adviseRun(sofar);
    const rules = notes.map((note) => note.rule);
    if (window.some((e) => heldOutFigure(e) >= trainFigure(e))) expect(rules, `epochs 1–${end}`).not.toContain('over-fitting');
    expect(rules.filter((rule) => rule === 'over-fitting' || rule === 'under-fitting'), `epochs 1–${end}: both at once`).not.toHaveLength(2);
  }
}

describe('the run rules on real runs', () => {
  it("round 7 on 64 images learns them by heart: over-fitting, with Dropout and more images as the cure", async () => {
    const run = await realRun(journeyRound(7).graph, { epochs: 20, limit: 64 });
    const last = run.epochs.at(-1)!;
    expect(last.trainAccuracy - last.testAccuracy).toBeGreaterThan(0.1);
    const notes = adviseRun(run);
    expect(notes.map((note) => note.rule)).toEqual(['over-fitting']);
    expect(notes[0]!.message).toContain('Train on more than the first 64 images (raise the limit), add Dropout (about 0.1) after every block, or augment');
    expectPremisesHeld(run);
  }, 120_000);

  it('round 10 on 64 images over-fits too, but it has Dropout after every block: the cure is a higher rate, not more Dropout', async () => {
    const run = await realRun(journeyRound(10).graph, { epochs: 20, limit: 64 });
    const notes = adviseRun(run);
    // Train accuracy is measured under dropout and stays below 95 %, yet far above test: not under-fitting.
    expect(notes.map((note) => note.rule)).toEqual(['over-fitting']);
    expect(notes[0]!.message).not.toMatch(/add Dropout/i);
    expect(notes[0]!.message).toContain('raise the Dropout rate (every block has Dropout already, at 0.1 at most)');
    expectPremisesHeld(run);
  }, 120_000);

  it('round 10 with augmentation on 1,024 images tests above the train accuracy measured while training, but is judged on the clean pass', async () => {
    const run = await realRun(journeyRound(10).graph, { epochs: 4, batchSize: 32, limit: 1024, augment: { rotate: 12, shift: 2 }, schedule: { type: 'step', stepSize: 1, gamma: 0.5 } });
    // The running figure, under dropout and rotation, reads below the test accuracy; the clean pass reads above it.
    expect(run.epochs.some((e) => e.testAccuracy > e.trainAccuracy)).toBe(true);
    expect(run.epochs.filter((e) => e.cleanTrainAccuracy! > e.trainAccuracy).length).toBeGreaterThanOrEqual(3);
    for (let end = 1; end <= run.epochs.length; end++) {
      const window = run.epochs.slice(0, end).slice(-OPTIONS.lastEpochs);
      const notes = overFitting({ ...run, epochs: run.epochs.slice(0, end) }, OPTIONS);
      if (window.some((e) => e.testAccuracy >= e.cleanTrainAccuracy!)) expect(notes).toEqual([]);
      for (const note of notes) expect(note.message).toMatch(/^Over the last \d epochs? train accuracy \(clean pass\) averages .* and test accuracy /);
    }
    // The step schedule did change the rate, so that rule has nothing to say either.
    expect(new Set(run.epochs.map((e) => e.learningRate)).size).toBe(run.epochs.length);
    expect(adviseRun(run).map((note) => note.rule)).not.toContain('schedule-never-changed');
    expectPremisesHeld(run);
  }, 120_000);

  it('round 10 with heavy Dropout at a learning rate of 1e-4 learns nothing: under-fitting that names the Dropout, never over-fitting', async () => {
    const run = await realRun(withDropout(journeyRound(10).graph, 0.5), { epochs: 5, batchSize: 32, learningRate: 1e-4, momentum: 0, limit: 256 });
    // Both splits stay near chance (10 %).
    for (const e of run.epochs) expect(Math.max(e.trainAccuracy, e.testAccuracy)).toBeLessThan(0.3);
    const notes = adviseRun(run);
    expect(notes.map((note) => note.rule)).toEqual(['under-fitting']);
    expect(notes[0]!.message).toContain('Dropout at 0.5 (6 Dropout layers) holds it back: lower it, give it more capacity');
    expectPremisesHeld(run);
  }, 120_000);
});
