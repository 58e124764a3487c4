import { describe, expect, it } from 'vitest';
import { underFitting } from '../../main/advice/rules/under-fitting.ts';
import { epoch, journeyRound, OPTIONS, runOf, settingsOf, runContext } from './helpers.ts';

const plain = settingsOf();
const flat = (n: number, accuracy: number) => runOf(Array(n).fill(accuracy), Array(n).fill(accuracy));

describe('under-fitting', () => {
  it('flags train accuracy that ends below 95 % after 5 or more epochs, and suggests capacity or a higher rate', () => {
    const advice = underFitting(runContext(runOf([0.8, 0.85, 0.88, 0.9, 0.91], [0.8, 0.85, 0.88, 0.9, 0.91]), plain), OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'under-fitting', severity: 'warning', title: 'Under-fitting' });
    expect(advice[0]!.message).toBe(
      'Train accuracy ends at 89.67 % over the last 3 epochs of 5 epochs, below 95.00 %: the network does not fit even its training images. ' +
        "Give it more capacity (more channels or another convolution block, as the journey's round 7 did) or raise the learning rate (now 0.01).",
    );
  });

  it('leaves runs shorter than 5 epochs alone while their loss falls: early epochs are expected to be low', () => {
    expect(underFitting(runContext(runOf([0.7, 0.8, 0.85, 0.9], [0.7, 0.8, 0.85, 0.9]), plain), OPTIONS)).toEqual([]);
  });

  it('accepts a run like the journey rounds, all above 98.8 % train accuracy', () => {
    expect(underFitting(runContext(runOf([0.95, 0.97, 0.98, 0.985, 0.9888], [0.97, 0.98, 0.985, 0.99, 0.994]), plain), OPTIONS)).toEqual([]);
  });

  it('flags a train loss that did not fall, even in a short run', () => {
    // A loss stuck at ln 10: chance level on ten classes, test images included.
    const stuck = { trainAccuracy: 0.11, testAccuracy: 0.1 };
    const run = [epoch(1, { trainLoss: 2.3, ...stuck }), epoch(2, { trainLoss: 2.31, ...stuck })];
    const advice = underFitting(runContext(run, plain), OPTIONS);
    expect(advice[0]!.message).toContain('The train loss did not fall over the run (2.3 in epoch 1, 2.31 in epoch 2)');
    expect(advice[0]!.message).toContain('raise the learning rate (now 0.01)');
  });

  it('blames the learning rate when the loss rose', () => {
    const run = [epoch(1, { trainLoss: 0.5, learningRate: 0.5 }), epoch(2, { trainLoss: 0.9, learningRate: 0.5 })];
    const advice = underFitting(runContext(run, plain), OPTIONS);
    expect(advice[0]!.title).toBe('Train loss rose');
    expect(advice[0]!.message).toBe(
      'The train loss rose over the run (0.5 in epoch 1, 0.9 in epoch 2): the learning rate (0.5) is too high for this network; lower it, e.g. to 0.05.',
    );
  });

  it('says a loss that became NaN means the learning rate is too high', () => {
    const run = [epoch(1, { trainLoss: 1.2, learningRate: 1 }), epoch(2, { trainLoss: Number.NaN, learningRate: 1 })];
    const advice = underFitting(runContext(run, plain), OPTIONS);
    expect(advice[0]!.title).toBe('Training diverged');
    expect(advice[0]!.message).toContain('The train loss became NaN in epoch 2: the learning rate (1) is too high; lower it, e.g. to 0.1.');
  });

  it('follows the thresholds it is given', () => {
    expect(underFitting(runContext(flat(5, 0.93), plain), { ...OPTIONS, underfitAccuracy: 0.9 })).toEqual([]);
    expect(underFitting(runContext(flat(5, 0.93), plain), { ...OPTIONS, underfitMinEpochs: 6 })).toEqual([]);
    expect(underFitting(runContext(flat(5, 0.93), plain), OPTIONS)).toHaveLength(1);
  });

  it('says nothing without epochs', () => {
    expect(underFitting(runContext([], plain), OPTIONS)).toEqual([]);
  });

  it('is not flagged when the test images are fitted: dropout and augmentation keep the train figure low', () => {
    expect(underFitting(runContext(runOf([0.85, 0.88, 0.9, 0.91, 0.92], [0.93, 0.95, 0.96, 0.965, 0.97]), plain), OPTIONS)).toEqual([]);
  });

  it('is not flagged when the run over-fits instead: train far above test', () => {
    expect(underFitting(runContext(runOf([0.6, 0.8, 0.9, 0.93, 0.92], [0.5, 0.55, 0.6, 0.62, 0.64]), plain), OPTIONS)).toEqual([]);
  });

  it('names heavy Dropout as what holds the network back', () => {
    const heavy = journeyRound(10).graph;
    const graph = { ...heavy, nodes: heavy.nodes.map((node) => (node.id === 'dropout3' ? { ...node, params: { rate: 0.5 } } : node)) };
    const advice = underFitting(runContext(flat(5, 0.5), plain, graph as typeof heavy), OPTIONS);
    expect(advice[0]!.message).toContain('the network does not fit even its training images. Dropout at 0.5 (dropout3) holds it back: lower it, give it more capacity');
  });
});
