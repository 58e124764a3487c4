import { describe, expect, it } from 'vitest';
import { overFitting } from '../../main/advice/rules/over-fitting.ts';
import { chainOf, epoch, journeyRound, OPTIONS, runOf, settingsOf, runContext } from './helpers.ts';

const plain = settingsOf();

/** A run that ends on the given train and test accuracies for its last three epochs. */
const endingAt = (train: number, test: number) => runOf([0.9, 0.95, train, train, train], [0.94, 0.96, test, test, test]);

describe('over-fitting', () => {
  it('flags a gap above 1 percentage point over the last 3 epochs and suggests dropout and augmentation', () => {
    const advice = overFitting(runContext(endingAt(0.995, 0.975), plain), OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'over-fitting', severity: 'warning' });
    expect(advice[0]!.nodeId).toBeUndefined();
    expect(advice[0]!.message).toBe(
      'Over the last 3 epochs train accuracy (measured while dropout and augmentation act) averages 99.50 % and test accuracy 97.50 %, a gap of 2.00 percentage points ' +
        '(5.0× as many test errors as training errors): the network learns the training images by heart. ' +
        "Add Dropout (about 0.1) after every block, or augment the training images (random rotation of ±7°), as the journey's rounds 8–9 did.",
    );
  });

  it("flags round 7's 99.71 / 99.30: a gap of only 0.41 points, but 2.4× the errors", () => {
    const advice = overFitting(runContext(endingAt(0.9971, 0.993), plain), OPTIONS);
    expect(advice[0]!.message).toContain('a gap of 0.41 percentage points (2.4× as many test errors as training errors)');
  });

  it.each([
    ['round 5', 0.9953, 0.9935],
    ['round 8', 0.9936, 0.9936],
    ['round 9, whose dropout and rotation keep train below test', 0.9888, 0.9941],
    ['a weak run where both are low and close', 0.9, 0.895],
  ])('accepts %s', (_name, train, test) => {
    expect(overFitting(runContext(endingAt(train, test), plain), OPTIONS)).toEqual([]);
  });

  it('judges only the last epochs: a gap that closed is not flagged, one that opened at the end is', () => {
    const closed = runOf([0.99, 0.99, 0.99, 0.99, 0.99, 0.99], [0.95, 0.96, 0.97, 0.99, 0.99, 0.99]);
    expect(overFitting(runContext(closed, plain), OPTIONS)).toEqual([]);
    const opened = runOf([0.99, 0.99, 0.99, 0.995, 0.998, 0.999], [0.99, 0.99, 0.99, 0.98, 0.975, 0.97]);
    expect(overFitting(runContext(opened, plain), OPTIONS)).toHaveLength(1);
  });

  it('averages over the epochs there are when the run is shorter than 3', () => {
    const advice = overFitting(runContext([epoch(1, { trainAccuracy: 0.99, testAccuracy: 0.97 })], plain), OPTIONS);
    expect(advice[0]!.message).toContain('Over the last epoch train accuracy (measured while dropout and augmentation act) averages 99.00 %');
  });

  it('judges the clean train accuracy against validation, not the figure measured under dropout and augmentation against test', () => {
    // While training, dropout and augmentation hold the train figure below the held-out ones (a "negative gap");
    // the clean pass shows the network fits its training images far better than the validation images.
    const epochs = [1, 2, 3].map((n) => epoch(n, { trainAccuracy: 0.97, cleanTrainAccuracy: 0.999, validationAccuracy: 0.985, testAccuracy: 0.986 }));
    const advice = overFitting(runContext(epochs, plain), OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]!.message).toMatch(
      /^Over the last 3 epochs train accuracy \(clean pass\) averages 99\.90 % and validation accuracy 98\.50 %, a gap of 1\.40 percentage points \(15\.0× as many validation errors as training errors\)/,
    );
    // And a clean figure at the validation accuracy is no over-fitting, whatever the test set says.
    const fitting = [1, 2, 3].map((n) => epoch(n, { trainAccuracy: 0.999, cleanTrainAccuracy: 0.99, validationAccuracy: 0.99, testAccuracy: 0.97 }));
    expect(overFitting(runContext(fitting, plain), OPTIONS)).toEqual([]);
  });

  it('suggests stronger augmentation when the run already augments', () => {
    const advice = overFitting(runContext(endingAt(0.995, 0.975), settingsOf({ augment: { rotate: 7 } })), OPTIONS);
    expect(advice[0]!.message).toContain("Add Dropout (about 0.1) after every block, or augment more strongly (now rotation ±7°, shift 0 px), as the journey's rounds 8–9 did.");
  });

  it('says so when no training image is wrong', () => {
    expect(overFitting(runContext(endingAt(1, 0.98), plain), OPTIONS)[0]!.message).toContain('(with no training image wrong)');
  });

  it('follows the thresholds it is given', () => {
    const run = endingAt(0.995, 0.975);
    expect(overFitting(runContext(run, plain), { ...OPTIONS, overfitGap: 0.03, overfitErrorRatio: 10 })).toEqual([]);
    expect(overFitting(runContext(endingAt(0.9971, 0.993), plain), { ...OPTIONS, overfitMinGap: 0.005 })).toEqual([]);
  });

  it('says nothing without epochs and skips epochs whose accuracies are not numbers', () => {
    expect(overFitting(runContext([], plain), OPTIONS)).toEqual([]);
    const run = [...endingAt(0.99, 0.99), epoch(6, { trainAccuracy: Number.NaN, testAccuracy: 0.5 })];
    expect(overFitting(runContext(run, plain), OPTIONS)).toEqual([]);
  });

  it('is not flagged when test accuracy overtook train accuracy in an epoch averaged, though the averages show a gap', () => {
    // Averages 93.67 / 87.67: a gap of 6 points, yet the last epoch tests above its train accuracy.
    const overtaken = runOf([0.9, 0.95, 0.96, 0.9], [0.8, 0.85, 0.86, 0.92]);
    expect(overFitting(runContext(overtaken, plain), OPTIONS)).toEqual([]);
  });

  it('is not flagged when the network learned nothing: both splits near chance, or test below it', () => {
    expect(overFitting(runContext(runOf([0.1, 0.105, 0.11], [0.074, 0.074, 0.078]), plain), OPTIONS)).toEqual([]);
    expect(overFitting(runContext(runOf([0.41, 0.494, 0.584], [0.063, 0.072, 0.081]), plain), OPTIONS)).toEqual([]);
  });

  it('offers Dropout only after the blocks that lack it, and a higher rate when every block has it', () => {
    const conv = { type: 'conv2d', params: { filters: 4, kernelSize: 3 } };
    const relu = { type: 'activation', params: { function: 'relu' } };
    const partly = chainOf([28, 28, 1], [conv, relu, { type: 'dropout', params: { rate: 0.2 } }, conv, relu, conv, relu, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output' }]);
    const partlyNote = overFitting(runContext(endingAt(0.995, 0.975), plain, partly), OPTIONS)[0]!.message;
    expect(partlyNote).toContain('Add Dropout (about 0.1) after b4 and b6 as after the other blocks, or augment');
    const everywhere = overFitting(runContext(endingAt(0.995, 0.975), plain, journeyRound(10).graph), OPTIONS)[0]!.message;
    expect(everywhere).not.toMatch(/add Dropout/i);
    expect(everywhere).toContain('Raise the Dropout rate (every block has Dropout already, at 0.1 at most), or augment');
  });

  it('names the limit first when the run trained on a few images only', () => {
    const note = overFitting(runContext(endingAt(0.995, 0.975), settingsOf({ limit: 500 })), OPTIONS)[0]!.message;
    expect(note).toContain('Train on more than the first 500 images (raise the limit), add Dropout');
  });
});
