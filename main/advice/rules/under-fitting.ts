/**
 * under-fitting: the network does not fit even its training images.
 *
 * Journey, rounds 6 → 7: round 6 trains to 98.92 % at best, and round 7 adds capacity (up to 32
 * channels) to reach 99.71 %. Flagged when train accuracy, averaged over the last
 * `lastEpochs` epochs of a run of at least `underfitMinEpochs`, stays below `underfitAccuracy`
 * (95 %: every journey round passes 98.8 %), or when the train loss did not fall from the first
 * epoch to the last. A loss that became NaN or rose is a learning rate too high, not too little
 * capacity, and the note says so.
 *
 * The train figure is the clean pass after each epoch where the run measured one (runs older than
 * it: the running figure, measured while dropout and augmentation acted).
 * Premise, checked against the run: the held-out images (validation, else test) are not fitted
 * either. A train figure measured under heavy dropout can read low while the network classifies
 * the held-out images well; when their accuracy reaches `underfitAccuracy`, the network has
 * capacity enough and nothing is said. Nor is
 * a run that over-fits also under-fitting: a real run of round 10 on 64 images read 92.7 % train
 * (measured under dropout) and 64 % test, and was called both. The cure is checked against the
 * graph: heavy Dropout (rate 0.3 or more) is named as a likely cause.
 */
import type { GraphDocument } from '../../graph/types.ts';
import type { EpochEvent } from '../../train/events.ts';
import { describeWindow, heldOutFigure, lastFinite, mean, trainFigure } from '../epochs.ts';
import { formatAccuracy, formatNumber, plural } from '../format.ts';
import type { Advice, RunRule } from '../types.ts';
import { overFitFinding } from './over-fitting.ts';

/** A Dropout rate from which the note names the layer as a likely cause. */
const HEAVY_DROPOUT = 0.3;

/** A loss this much above where it started has risen, rather than stayed flat. */
const RISE = 1.1;

export const underFitting: RunRule = (run, options) => {
  const { epochs, settings, graph } = run;
  if (epochs.length === 0) return [];
  const lastRate = [...epochs].reverse().find((e) => Number.isFinite(e.learningRate))?.learningRate ?? settings.learningRate;
  const rate = formatNumber(lastRate);
  const note = (title: string, message: string): Advice[] => [{ rule: 'under-fitting', severity: 'warning', title, message }];

  const diverged = epochs.find((e) => !Number.isFinite(e.trainLoss));
  if (diverged) {
    return note('Training diverged', `The train loss became ${diverged.trainLoss} in epoch ${diverged.epoch}: the learning rate (${rate}) is too high; lower it, e.g. to ${formatNumber(lastRate / 10)}.`);
  }

  const first = epochs[0]!;
  const last = epochs[epochs.length - 1]!;
  const lossFell = epochs.length < 2 || last.trainLoss < first.trainLoss;
  const losses = `${formatNumber(first.trainLoss)} in epoch ${first.epoch}, ${formatNumber(last.trainLoss)} in epoch ${last.epoch}`;
  if (!lossFell && last.trainLoss > first.trainLoss * RISE) {
    return note('Train loss rose', `The train loss rose over the run (${losses}): the learning rate (${rate}) is too high for this network; lower it, e.g. to ${formatNumber(lastRate / 10)}.`);
  }

  const low = lowAccuracy(epochs, options.lastEpochs, options.underfitMinEpochs, options.underfitAccuracy);
  if (lossFell && low === undefined) return [];
  const tested = lastFinite(epochs, options.lastEpochs, (e) => [heldOutFigure(e)]);
  if (tested.length > 0 && mean(tested.map(heldOutFigure)) >= options.underfitAccuracy) return [];
  if (overFitFinding(run, options)) return [];
  const finding = !lossFell
    ? `The train loss did not fall over the run (${losses})`
    : `Train accuracy ends at ${formatAccuracy(low!.accuracy)} over ${describeWindow(low!.epochs)} of ${plural(epochs.length, 'epoch')}, below ${formatAccuracy(options.underfitAccuracy)}`;
  const capacity = `more capacity (more channels or another convolution block, as the journey's round 7 did) or raise the learning rate (now ${rate})`;
  const heavy = heavyDropout(graph);
  const cure = heavy ? `${heavy} holds it back: lower it, give it ${capacity}.` : `Give it ${capacity}.`;
  return note('Under-fitting', `${finding}: the network does not fit even its training images. ${cure}`);
};

/** `Dropout at 0.5 (drop1)` when the graph has Dropout at HEAVY_DROPOUT or more; empty otherwise. */
function heavyDropout(graph: GraphDocument): string {
  const rates = new Map(graph.nodes.flatMap((node) => (node.type === 'dropout' && node.params.rate >= HEAVY_DROPOUT ? [[node.id, node.params.rate] as const] : [])));
  if (rates.size === 0) return '';
  const where = rates.size === 1 ? [...rates.keys()][0]! : `${rates.size} Dropout layers`;
  return `Dropout at ${formatNumber(Math.max(...rates.values()))} (${where})`;
}

function lowAccuracy(epochs: readonly EpochEvent[], count: number, minEpochs: number, threshold: number) {
  if (epochs.length < minEpochs) return undefined;
  const window = lastFinite(epochs, count, (e) => [trainFigure(e)]);
  if (window.length === 0) return undefined;
  const accuracy = mean(window.map(trainFigure));
  return accuracy < threshold ? { accuracy, epochs: window.length } : undefined;
}
