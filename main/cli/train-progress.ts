/**
 * How a training run reads in the terminal: a progress bar per epoch (images/s, ETA, loss,
 * accuracy) and one test line per epoch, in the spirit of the journey's tqdm logs. Without a
 * terminal (a pipe, CI) the bar is left out and the epoch lines remain.
 */
import { Presets, SingleBar } from 'cli-progress';
import { formatCount } from '../analysis/format.ts';
import type { TrainingEvent } from '../train/events.ts';

export interface ProgressOutput {
  out(text: string): void;
  err(text: string): void;
  /** Where the bar is drawn; absent when there is no terminal. */
  barStream?: NodeJS.WritableStream;
}

export function createProgressPrinter(output: ProgressOutput): (event: TrainingEvent) => void {
  let bar: SingleBar | undefined;
  let epochs = 0;
  let runDir: string | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };

  return (event) => {
    switch (event.type) {
      case 'phase':
        // Seconds can pass before the first batch; say why where someone is watching.
        if (output.barStream) output.err(event.message);
        return;
      case 'started':
        epochs = event.epochs;
        runDir = event.runDir;
        output.out(
          `${event.resumedAfter > 0 ? `Resuming after epoch ${event.resumedAfter}` : 'Training'} on ${event.backend} (${event.threads} thread${event.threads === 1 ? '' : 's'}): ${formatCount(event.params.trainable)} trainable parameters, ` +
            `${formatCount(event.trainImages)} training, ${event.validationImages > 0 ? `${formatCount(event.validationImages)} validation` : 'no validation'} and ${formatCount(event.testImages)} test images, ` +
            `${event.epochs} epoch${event.epochs === 1 ? '' : 's'} of ${formatCount(event.batchesPerEpoch)} batches` +
            (event.validationImages === 0 ? '; the best epoch is chosen on the test set' : '') +
            (runDir ? `\nRun folder: ${runDir}` : ''),
        );
        return;
      case 'batch':
        if (!output.barStream) return;
        if (!bar) {
          bar = new SingleBar(
            {
              format: `Epoch ${event.epoch}/${epochs} {bar} {value}/{total} | {speed} img/s | ETA {eta}s | loss {loss} acc {accuracy}% | lr {lr}`,
              stream: output.barStream,
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 50,
            },
            Presets.shades_classic,
          );
          bar.start(event.batches, 0);
        }
        bar.update(event.batch, {
          speed: formatCount(event.imagesPerSecond),
          loss: event.loss.toFixed(4),
          accuracy: (event.accuracy * 100).toFixed(2),
          lr: formatRate(event.learningRate),
          eta: Math.round(event.epochEtaSeconds),
        });
        return;
      case 'epoch':
        stopBar();
        output.out(
          `Epoch ${event.epoch}/${epochs}: train loss ${event.trainLoss.toFixed(4)}, accuracy ${percent(event.trainAccuracy)} while training` +
            (event.cleanTrainAccuracy !== null ? `, ${percent(event.cleanTrainAccuracy)} clean` : '') +
            (event.validationAccuracy !== null ? ` | validation loss ${event.validationLoss!.toFixed(4)}, accuracy ${percent(event.validationAccuracy)}` : '') +
            ` | test loss ${event.testLoss.toFixed(4)}, accuracy ${percent(event.testAccuracy)} | best: ${describeBest(event)} | lr ${formatRate(event.learningRate)} | ` +
            `${event.seconds.toFixed(1)} s, ${formatCount(event.imagesPerSecond)} img/s`,
        );
        return;
      case 'finished':
        output.out(`Finished: best ${describeBest(event)} of ${event.epochs}, in ${formatDuration(event.seconds)}${runDir ? `; models in ${runDir}/models` : ''}`);
        return;
      case 'cancelled':
        stopBar();
        output.err(`Cancelled after ${event.epochsDone} epoch${event.epochsDone === 1 ? '' : 's'}${runDir ? `; what was done is in ${runDir}` : ''}`);
        return;
      case 'diverged':
        stopBar();
        output.err(`error: training diverged: ${event.message}${runDir ? `; the epochs before it are in ${runDir}` : ''}`);
        return;
      case 'failed':
        stopBar();
        output.err(`error: ${event.error}`);
        return;
    }
  };
}

/** "epoch 7 by validation 99.40 %, test 99.41 %", or "epoch 7 by test 99.41 %" for a run without a validation split. */
export function describeBest(best: { bestEpoch: number; selectedBy: 'validation' | 'test'; bestValidationAccuracy: number | null; bestTestAccuracy: number }): string {
  if (best.selectedBy === 'test') return `epoch ${best.bestEpoch} by test ${percent(best.bestTestAccuracy)}`;
  return `epoch ${best.bestEpoch} by validation ${percent(best.bestValidationAccuracy ?? NaN)}, test ${percent(best.bestTestAccuracy)}`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)} %`;
}

function formatRate(rate: number): string {
  return Number(rate.toPrecision(3)).toString();
}

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return minutes > 0 ? `${minutes} min ${rest} s` : `${seconds.toFixed(1)} s`;
}
