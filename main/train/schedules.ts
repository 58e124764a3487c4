/**
 * Learning-rate schedules, with an optional linear warm-up before them. `rate(epoch, batch)` is
 * asked before every batch (epochs and batches count from 0); `momentum` likewise, for one-cycle's
 * momentum cycling; `epochEnded(loss)` lets the plateau schedule react to the validation loss.
 *
 * Every schedule is what PyTorch 1.13 computes when its scheduler is stepped after every batch
 * (tests/train/schedules-pytorch.test.ts compares them): with W warm-up batches and T batches in
 * the run, the warm-up is LinearLR(start_factor, total_iters=W), and the schedule then runs on the
 * T − W batches left, as SequentialLR([warm-up, schedule], milestones=[W]) runs it; a schedule
 * counted in epochs (step, multi-step) counts them from the end of the warm-up in batches.
 */
import type { ScheduleSettings, TrainingSettings } from '../graph/training-settings.ts';

export interface LearningRateSchedule {
  rate(epoch: number, batch: number): number;
  /** SGD's momentum (Adam's β1) for this batch, or null when the schedule leaves it alone. */
  momentum(epoch: number, batch: number): number | null;
  /** After each epoch, with the loss the plateau schedule watches. */
  epochEnded(loss: number): void;
  /** What a resumed run needs to carry on (the plateau schedule's progress), as plain JSON. */
  state(): ScheduleState;
  restore(state: ScheduleState): void;
}

export type ScheduleState = { current: number; best: number | null; waited: number } | null;

export type WarmupSettings = TrainingSettings['warmup'];
export const NO_WARMUP: WarmupSettings = { epochs: 0, startFactor: 1 / 3 };

/** Where one schedule stands at a step counted from its own start, over its own number of steps. */
interface Phase {
  rate(step: number): number;
  momentum(step: number): number | null;
}

export function createSchedule(
  settings: ScheduleSettings,
  baseRate: number,
  epochs: number,
  batchesPerEpoch: number,
  warmup: WarmupSettings = NO_WARMUP,
): LearningRateSchedule {
  const total = epochs * batchesPerEpoch;
  // Never the whole run: at least one batch is left for the schedule itself.
  const warmupSteps = Math.min(Math.round(warmup.epochs * batchesPerEpoch), Math.max(0, total - 1));
  const steps = total - warmupSteps;
  const plateauState = { current: baseRate, best: null as number | null, waited: 0 };
  const phase = mainPhase(settings, baseRate, steps, batchesPerEpoch, plateauState);
  const at = (epoch: number, batch: number) => epoch * batchesPerEpoch + batch;
  return {
    rate(epoch, batch) {
      const step = at(epoch, batch);
      if (step >= warmupSteps) return phase.rate(step - warmupSteps);
      return phase.rate(0) * (warmup.startFactor + ((1 - warmup.startFactor) * step) / warmupSteps);
    },
    momentum: (epoch, batch) => phase.momentum(Math.max(0, at(epoch, batch) - warmupSteps)),
    epochEnded(loss) {
      if (settings.type !== 'plateau') return;
      // Keras' default: an improvement must beat the best by a relative 1e-4.
      if (plateauState.best === null || loss < plateauState.best * (1 - 1e-4)) {
        plateauState.best = loss;
        plateauState.waited = 0;
        return;
      }
      plateauState.waited += 1;
      if (plateauState.waited > settings.patience) {
        plateauState.current = Math.max(plateauState.current * settings.factor, settings.minLr);
        plateauState.waited = 0;
      }
    },
    state: () => (settings.type === 'plateau' ? { ...plateauState } : null),
    restore(state) {
      if (settings.type === 'plateau' && state) Object.assign(plateauState, state);
    },
  };
}

function mainPhase(
  settings: ScheduleSettings,
  baseRate: number,
  steps: number,
  batchesPerEpoch: number,
  plateauState: { current: number },
): Phase {
  const constant = (rate: (step: number) => number): Phase => ({ rate, momentum: () => null });
  switch (settings.type) {
    case 'constant':
      return constant(() => baseRate);
    case 'step':
      return constant((step) => baseRate * settings.gamma ** Math.floor(Math.floor(step / batchesPerEpoch) / settings.stepSize));
    case 'multiStep':
      return constant((step) => baseRate * settings.gamma ** settings.milestones.filter((epoch) => epoch * batchesPerEpoch <= step).length);
    case 'cosine':
      // CosineAnnealingLR(T_max = the batches after warm-up); held at minLr past its end (a resumed run's extra epochs).
      return constant((step) => settings.minLr + ((baseRate - settings.minLr) * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps))) / 2);
    case 'oneCycle':
      return oneCycle(settings, baseRate, steps);
    case 'plateau':
      return constant(() => plateauState.current);
  }
}

/**
 * PyTorch's OneCycleLR (two phases, cosine annealing), `baseRate` as its max_lr: phase one ends
 * at step pct_start·T − 1 (not rounded), phase two at T − 1. Past T − 1 (only a resumed run
 * trained for more epochs gets there; PyTorch refuses) the rate stays at its final value.
 */
function oneCycle(settings: Extract<ScheduleSettings, { type: 'oneCycle' }>, peak: number, steps: number): Phase {
  const initial = peak / settings.divFactor;
  const final = initial / settings.finalDivFactor;
  const phases = [
    { end: settings.pctStart * steps - 1, rate: [initial, peak], momentum: [settings.maxMomentum, settings.baseMomentum] },
    { end: steps - 1, rate: [peak, final], momentum: [settings.baseMomentum, settings.maxMomentum] },
  ] as const;
  const cosine = (from: number, to: number, progress: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * progress) + 1);
  const where = (step: number): { phase: (typeof phases)[number]; progress: number } => {
    let start = 0;
    for (const [i, phase] of phases.entries()) {
      if (step <= phase.end || i === phases.length - 1) {
        const span = phase.end - start;
        return { phase, progress: span > 0 ? Math.min(1, (step - start) / span) : 1 };
      }
      start = phase.end;
    }
    throw new Error('unreachable');
  };
  return {
    rate(step) {
      const { phase, progress } = where(step);
      return cosine(phase.rate[0], phase.rate[1], progress);
    },
    momentum(step) {
      if (!settings.cycleMomentum) return null;
      const { phase, progress } = where(step);
      return cosine(phase.momentum[0], phase.momentum[1], progress);
    },
  };
}
