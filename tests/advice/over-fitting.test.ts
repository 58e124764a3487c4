import { describe, expect, it } from 'vitest';
import { overFitting } from '../../main/advice/rules/over-fitting.ts';
import { epoch, OPTIONS, runOf, settingsOf } from './helpers.ts';

const plain = settingsOf();

/** A run that ends on the given train and test accuracies for its last three epochs. */
const endingAt = (train: number, test: number) => runOf([0.9, 0.95, train, train, train], [0.94, 0.96, test, test, test]);

describe('over-fitting', () => {
  it('flags a gap above 1 percentage point over the last 3 epochs and suggests dropout and augmentation', () => {
    const advice = overFitting(endingAt(0.995, 0.975), plain, OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'over-fitting', severity: 'warning' });
    expect(advice[0]!.nodeId).toBeUndefined();
    expect(advice[0]!.message).toBe(
      'Over the last 3 epochs train accuracy averages 99.50 % and test accuracy 97.50 %, a gap of 2.00 percentage points ' +
        '(5.0× as many test errors as training errors): the network learns the training images by heart. ' +
        "Add Dropout (about 0.1) after every block, or augment the training images (random rotation of ±7°), as the journey's rounds 8–9 did.",
    );
  });

  it("flags round 7's 99.71 / 99.30: a gap of only 0.41 points, but 2.4× the errors", () => {
    const advice = overFitting(endingAt(0.9971, 0.993), plain, OPTIONS);
    expect(advice[0]!.message).toContain('a gap of 0.41 percentage points (2.4× as many test errors as training errors)');
  });

  it.each([
    ['round 5', 0.9953, 0.9935],
    ['round 8', 0.9936, 0.9936],
    ['round 9, whose dropout and rotation keep train below test', 0.9888, 0.9941],
    ['a weak run where both are low and close', 0.9, 0.895],
  ])('accepts %s', (_name, train, test) => {
    expect(overFitting(endingAt(train, test), plain, OPTIONS)).toEqual([]);
  });

  it('judges only the last epochs: a gap that closed is not flagged, one that opened at the end is', () => {
    const closed = runOf([0.99, 0.99, 0.99, 0.99, 0.99, 0.99], [0.95, 0.96, 0.97, 0.99, 0.99, 0.99]);
    expect(overFitting(closed, plain, OPTIONS)).toEqual([]);
    const opened = runOf([0.99, 0.99, 0.99, 0.995, 0.998, 0.999], [0.99, 0.99, 0.99, 0.98, 0.975, 0.97]);
    expect(overFitting(opened, plain, OPTIONS)).toHaveLength(1);
  });

  it('averages over the epochs there are when the run is shorter than 3', () => {
    const advice = overFitting([epoch(1, { trainAccuracy: 0.99, testAccuracy: 0.97 })], plain, OPTIONS);
    expect(advice[0]!.message).toContain('Over the last epoch train accuracy averages 99.00 %');
  });

  it('suggests stronger augmentation when the run already augments', () => {
    const advice = overFitting(endingAt(0.995, 0.975), settingsOf({ augment: { rotate: 7 } }), OPTIONS);
    expect(advice[0]!.message).toContain("Add Dropout (about 0.1) after every block, as the journey's round 8 did, or augment more strongly (now rotation ±7°, shift 0 px).");
  });

  it('says so when no training image is wrong', () => {
    expect(overFitting(endingAt(1, 0.98), plain, OPTIONS)[0]!.message).toContain('(with no training image wrong)');
  });

  it('follows the thresholds it is given', () => {
    const run = endingAt(0.995, 0.975);
    expect(overFitting(run, plain, { ...OPTIONS, overfitGap: 0.03, overfitErrorRatio: 10 })).toEqual([]);
    expect(overFitting(endingAt(0.9971, 0.993), plain, { ...OPTIONS, overfitMinGap: 0.005 })).toEqual([]);
  });

  it('says nothing without epochs and skips epochs whose accuracies are not numbers', () => {
    expect(overFitting([], plain, OPTIONS)).toEqual([]);
    const run = [...endingAt(0.99, 0.99), epoch(6, { trainAccuracy: Number.NaN, testAccuracy: 0.5 })];
    expect(overFitting(run, plain, OPTIONS)).toEqual([]);
  });
});
