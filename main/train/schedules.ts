/**
 * Learning-rate schedules. `rate(epoch, batch)` is asked before every batch (epochs and batches
 * count from 0); `epochEnded(testLoss)` lets the plateau schedule react to the results.
 */
import type { ScheduleSettings } from '../graph/training-settings.ts';

export interface LearningRateSchedule {
  rate(epoch: number, batch: number): number;
  epochEnded(testLoss: number): void;
}

export function createSchedule(
  settings: ScheduleSettings,
  baseRate: number,
  epochs: number,
  batchesPerEpoch: number,
): LearningRateSchedule {
  switch (settings.type) {
    case 'constant':
      return { rate: () => baseRate, epochEnded: () => {} };
    case 'step':
      return {
        rate: (epoch) => baseRate * settings.gamma ** Math.floor(epoch / settings.stepSize),
        epochEnded: () => {},
      };
    case 'oneCycle':
      return oneCycle(settings, baseRate, epochs * batchesPerEpoch, batchesPerEpoch);
    case 'plateau':
      return plateau(settings, baseRate);
  }
}

function oneCycle(
  settings: Extract<ScheduleSettings, { type: 'oneCycle' }>,
  baseRate: number,
  totalSteps: number,
  batchesPerEpoch: number,
): LearningRateSchedule {
  const peak = settings.maxLr ?? baseRate;
  const start = peak / settings.divFactor;
  const end = start / settings.finalDivFactor;
  const peakStep = Math.max(1, Math.round(settings.pctStart * totalSteps) - 1);
  const cosine = (from: number, to: number, progress: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * progress));
  return {
    rate: (epoch, batch) => {
      const step = epoch * batchesPerEpoch + batch;
      if (step <= peakStep) return cosine(start, peak, step / peakStep);
      return cosine(peak, end, Math.min(1, (step - peakStep) / Math.max(1, totalSteps - 1 - peakStep)));
    },
    epochEnded: () => {},
  };
}

function plateau(settings: Extract<ScheduleSettings, { type: 'plateau' }>, baseRate: number): LearningRateSchedule {
  let current = baseRate;
  let best = Infinity;
  let waited = 0;
  return {
    rate: () => current,
    epochEnded: (testLoss) => {
      // Keras' default: an improvement must beat the best by a relative 1e-4.
      if (testLoss < best * (1 - 1e-4)) {
        best = testLoss;
        waited = 0;
        return;
      }
      waited += 1;
      if (waited > settings.patience) {
        current = Math.max(current * settings.factor, settings.minLr);
        waited = 0;
      }
    },
  };
}
