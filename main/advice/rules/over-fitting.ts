/**
 * over-fitting: at the end of a run, train accuracy is well above test accuracy.
 *
 * Journey, rounds 7 → 8–9: "a large gap between train and test accuracy means over-fitting, and
 * dropout after every block closed it"; round 9 adds random rotation of ±7°. Averaged over the
 * last `lastEpochs` epochs, the gap counts as large above `overfitGap`, or, at accuracies near
 * 100 % where every gap is small, above `overfitMinGap` when the test error rate is
 * `overfitErrorRatio` times the training one (round 7: 99.71 / 99.30, 2.4× the errors).
 */
import type { TrainingSettings } from '../../graph/training-settings.ts';
import { describeWindow, lastFinite, mean } from '../epochs.ts';
import { formatAccuracy, formatPoints } from '../format.ts';
import type { RunRule } from '../types.ts';

export const overFitting: RunRule = (epochs, settings, options) => {
  const window = lastFinite(epochs, options.lastEpochs, (e) => [e.trainAccuracy, e.testAccuracy]);
  if (window.length === 0) return [];
  const train = mean(window.map((e) => e.trainAccuracy));
  const test = mean(window.map((e) => e.testAccuracy));
  const gap = train - test;
  const trainErrors = 1 - train;
  const testErrors = 1 - test;
  const ratioLarge = gap > options.overfitMinGap && testErrors > options.overfitErrorRatio * trainErrors;
  if (!(gap > options.overfitGap) && !ratioLarge) return [];

  const errors = trainErrors > 0 ? `${(testErrors / trainErrors).toFixed(1)}× as many test errors as training errors` : 'with no training image wrong';
  return [
    {
      rule: 'over-fitting',
      severity: 'warning',
      title: 'Over-fitting',
      message:
        `Over ${describeWindow(window.length)} train accuracy averages ${formatAccuracy(train)} and test accuracy ${formatAccuracy(test)}, ` +
        `a gap of ${formatPoints(gap)} (${errors}): the network learns the training images by heart. ${remedy(settings)}`,
    },
  ];
};

function remedy(settings: TrainingSettings): string {
  const { rotate, shift } = settings.augment ?? { rotate: 0, shift: 0 };
  if (rotate > 0 || shift > 0) {
    return `Add Dropout (about 0.1) after every block, as the journey's round 8 did, or augment more strongly (now rotation ±${rotate}°, shift ${shift} px).`;
  }
  return 'Add Dropout (about 0.1) after every block, or augment the training images (random rotation of ±7°), as the journey\'s rounds 8–9 did.';
}
