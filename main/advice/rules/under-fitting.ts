/**
 * under-fitting: the network does not fit even its training images.
 *
 * Journey, rounds 6 → 7: round 6 trains to 98.92 % at best, and round 7 adds capacity (up to 32
 * channels) to reach 99.71 %. Flagged when train accuracy, averaged over the last
 * `lastEpochs` epochs of a run of at least `underfitMinEpochs`, stays below `underfitAccuracy`
 * (95 %: every journey round passes 98.8 %), or when the train loss did not fall from the first
 * epoch to the last. A loss that became NaN or rose is a learning rate too high, not too little
 * capacity, and the note says so.
 */
import type { EpochEvent } from '../../train/events.ts';
import { describeWindow, lastFinite, mean } from '../epochs.ts';
import { formatAccuracy, formatNumber, plural } from '../format.ts';
import type { Advice, RunRule } from '../types.ts';

/** A loss this much above where it started has risen, rather than stayed flat. */
const RISE = 1.1;

export const underFitting: RunRule = (epochs, settings, options) => {
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
  const finding = !lossFell
    ? `The train loss did not fall over the run (${losses})`
    : `Train accuracy ends at ${formatAccuracy(low!.accuracy)} over ${describeWindow(low!.epochs)} of ${plural(epochs.length, 'epoch')}, below ${formatAccuracy(options.underfitAccuracy)}`;
  return note(
    'Under-fitting',
    `${finding}: the network does not fit even its training images. Give it more capacity (more channels or another convolution block, as the journey's round 7 did) or raise the learning rate (now ${rate}).`,
  );
};

function lowAccuracy(epochs: readonly EpochEvent[], count: number, minEpochs: number, threshold: number) {
  if (epochs.length < minEpochs) return undefined;
  const window = lastFinite(epochs, count, (e) => [e.trainAccuracy]);
  if (window.length === 0) return undefined;
  const accuracy = mean(window.map((e) => e.trainAccuracy));
  return accuracy < threshold ? { accuracy, epochs: window.length } : undefined;
}
