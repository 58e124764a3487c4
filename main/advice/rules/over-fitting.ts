/**
 * over-fitting: at the end of a run, train accuracy is well above validation accuracy. The train
 * figure is the clean pass after each epoch (no dropout, no augmentation); runs older than that
 * pass have only the figure measured while those acted, and the note says which it used. Without
 * a validation split the test accuracy stands in for it.
 *
 * Journey, rounds 7 → 8–9: "a large gap between train and test accuracy means over-fitting, and
 * dropout after every block closed it"; round 9 adds random rotation of ±7°. Averaged over the
 * last `lastEpochs` epochs, the gap counts as large above `overfitGap`, or, at accuracies near
 * 100 % where every gap is small, above `overfitMinGap` when the test error rate is
 * `overfitErrorRatio` times the training one (round 7: 99.71 / 99.30, 2.4× the errors).
 *
 * Premises, checked against the run: (1) train accuracy is above test accuracy in every epoch
 * averaged, the last one included: a run whose test accuracy overtook its train accuracy (dropout
 * and augmentation lower the train figure, which is measured while they act) is not over-fitting,
 * however its averages fall; (2) the network gets most of its training images right: train
 * accuracy at least halfway from chance (one in the graph's number of classes) to 100 %. A
 * network near chance on both splits has learned nothing to over-fit (a real run at a rate of
 * 1e-4 read 10.6 / 7.6 % and was called over-fitting), and one whose test accuracy sits below
 * chance while train accuracy climbs is broken at test time, not learning by heart.
 * The cure offered is checked against the graph and the settings:
 * Dropout only after the blocks that lack it, a higher rate when every block has it, stronger
 * augmentation when it already augments, and more images when the run was cut short by a limit.
 */
import { analyzeGraph } from '../../analysis/analyze.ts';
import type { GraphDocument } from '../../graph/types.ts';
import type { TrainingSettings } from '../../graph/training-settings.ts';
import { describeWindow, figureNames, heldOutFigure, lastFinite, mean, trainFigure } from '../epochs.ts';
import { formatAccuracy, formatCount, formatNumber, formatPoints } from '../format.ts';
import { dropoutCoverage } from '../graph-walk.ts';
import type { AdviceOptions, RunContext, RunRule } from '../types.ts';

export const overFitting: RunRule = (run, options) => {
  const finding = overFitFinding(run, options);
  if (!finding) return [];
  const { window, train, test, gap, trainErrors, testErrors } = finding;
  const names = figureNames(window.at(-1)!);
  const split = names.heldOut.replace(' accuracy', '');
  const errors = trainErrors > 0 ? `${(testErrors / trainErrors).toFixed(1)}× as many ${split} errors as training errors` : 'with no training image wrong';
  return [
    {
      rule: 'over-fitting',
      severity: 'warning',
      title: 'Over-fitting',
      message:
        `Over ${describeWindow(window.length)} ${names.train} averages ${formatAccuracy(train)} and ${names.heldOut} ${formatAccuracy(test)}, ` +
        `a gap of ${formatPoints(gap)} (${errors}): the network learns the training images by heart. ${remedy(run.settings, run.graph)}`,
    },
  ];
};

/**
 * The numbers over-fitting is judged on, or null when the run does not over-fit (see the file
 * comment for the premises). under-fitting asks too: a run that over-fits is not also under-fitting.
 */
export function overFitFinding({ epochs, graph }: RunContext, options: AdviceOptions) {
  const window = lastFinite(epochs, options.lastEpochs, (e) => [trainFigure(e), heldOutFigure(e)]);
  if (window.length === 0) return null;
  if (window.some((e) => heldOutFigure(e) >= trainFigure(e))) return null;
  const train = mean(window.map(trainFigure));
  const test = mean(window.map(heldOutFigure));
  const chance = chanceAccuracy(graph);
  if (train < (1 + chance) / 2 || test <= chance) return null;
  const gap = train - test;
  const trainErrors = 1 - train;
  const testErrors = 1 - test;
  const ratioLarge = gap > options.overfitMinGap && testErrors > options.overfitErrorRatio * trainErrors;
  if (!(gap > options.overfitGap) && !ratioLarge) return null;
  return { window, train, test, gap, trainErrors, testErrors };
}

/** One in the number of classes the graph scores; 0 when its analysis cannot say. */
function chanceAccuracy(graph: GraphDocument): number {
  const classes = analyzeGraph(graph).outputShape?.[0];
  return classes !== undefined && classes > 0 ? 1 / classes : 0;
}

/** The cures this run has not tried yet, as one sentence. */
function remedy(settings: TrainingSettings, graph: GraphDocument): string {
  const cures: string[] = [];
  if (settings.limit !== undefined) cures.push(`train on more than the first ${formatCount(settings.limit)} images (raise the limit)`);

  const dropout = dropoutCoverage(graph);
  if (dropout.without.length > 0) {
    const all = dropout.without.length === dropout.blocks.length;
    cures.push(all ? 'add Dropout (about 0.1) after every block' : `add Dropout (about 0.1) after ${listIds(dropout.without.map((n) => n.id))} as after the other blocks`);
  } else if (dropout.rates.length > 0) {
    const highest = Math.max(...dropout.rates);
    if (highest < 0.5) cures.push(`raise the Dropout rate (every block has Dropout already, at ${formatNumber(highest)} at most)`);
  }

  const { rotate, shift } = settings.augment;
  cures.push(rotate > 0 || shift > 0 ? `augment more strongly (now rotation ±${rotate}°, shift ${shift} px)` : 'augment the training images (random rotation of ±7°)');

  const sentence = cures.length === 1 ? cures[0]! : `${cures.slice(0, -1).join(', ')}, or ${cures.at(-1)!}`;
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}, as the journey's rounds 8–9 did.`;
}

/** `conv1, conv2 and conv3`; past four, `conv1, conv2, conv3 and 5 more`. */
function listIds(ids: string[]): string {
  if (ids.length === 1) return ids[0]!;
  if (ids.length <= 4) return `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)!}`;
  return `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
