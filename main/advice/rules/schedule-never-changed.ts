/**
 * schedule-never-changed: a learning-rate schedule is set, but every epoch reports the same rate.
 *
 * Journey, round 10: the notebook creates StepLR(step 6, gamma 0.1) but never calls
 * `scheduler.step()`, so the rate stayed at 0.05 for all 20 epochs and the round's results are
 * those of a constant rate. Flagged only when the schedule should have changed the rate within
 * the epochs reported: a step schedule after `stepSize` epochs, one-cycle and cosine from the
 * second epoch on, a plateau schedule once the reported validation losses (test losses for a run
 * without a validation split) stalled for longer than its patience.
 */
import type { ScheduleSettings, TrainingSettings } from '../../graph/training-settings.ts';
import type { EpochEvent } from '../../train/events.ts';
import { createSchedule } from '../../train/schedules.ts';
import { monitoredLoss } from '../../train/selection.ts';
import { formatNumber, plural } from '../format.ts';
import type { RunRule } from '../types.ts';

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

export const scheduleNeverChanged: RunRule = ({ epochs, settings }) => {
  const schedule = settings.schedule;
  if (!schedule || schedule.type === 'constant' || epochs.length < 2) return [];
  const reported = epochs[0]!.learningRate;
  if (!Number.isFinite(reported) || !epochs.every((e) => same(e.learningRate, reported))) return [];
  const change = firstExpectedChange(epochs, settings);
  if (!change) return [];

  const should =
    schedule.type === 'oneCycle' || schedule.type === 'cosine'
      ? 'should have moved the learning rate from batch to batch'
      : `should have brought the learning rate to ${formatNumber(change.rate)} by epoch ${change.epoch}`;
  return [
    {
      rule: 'schedule-never-changed',
      severity: 'warning',
      title: 'Learning-rate schedule never applied',
      message:
        `The ${describe(schedule, epochs[0]!.validationLoss !== null ? 'validation' : 'test')} ${should}, but all ${plural(epochs.length, 'epoch')} report ${formatNumber(reported)}, so this run trained at a constant rate. ` +
        `The journey's round-10 notebook made the same slip (it never called scheduler.step()); rerun it with the schedule applied before comparing it with other runs.`,
    },
  ];
};

/** The first reported epoch whose rate the schedule would have made differ from the first one's. */
function firstExpectedChange(epochs: readonly EpochEvent[], settings: TrainingSettings): { epoch: number; rate: number } | undefined {
  // One batch per epoch is enough: step and plateau change between epochs, one-cycle changes anyway.
  const schedule = createSchedule(settings.schedule, settings.learningRate, Math.max(settings.epochs, epochs.length), 1, settings.warmup);
  let start: number | undefined;
  for (const e of epochs) {
    const rate = schedule.rate(Math.max(0, e.epoch - 1), 0);
    if (start === undefined) start = rate;
    else if (!same(rate, start)) return { epoch: e.epoch, rate };
    schedule.epochEnded(monitoredLoss(e));
  }
  return undefined;
}

function describe(schedule: Exclude<ScheduleSettings, { type: 'constant' }>, watched: 'validation' | 'test'): string {
  switch (schedule.type) {
    case 'step':
      return `step schedule (×${formatNumber(schedule.gamma)} every ${plural(schedule.stepSize, 'epoch')})`;
    case 'multiStep':
      return `multi-step schedule (×${formatNumber(schedule.gamma)} at epoch${schedule.milestones.length === 1 ? '' : 's'} ${schedule.milestones.join(', ')})`;
    case 'cosine':
      return 'cosine schedule';
    case 'oneCycle':
      return 'one-cycle schedule';
    case 'plateau':
      return `plateau schedule (×${formatNumber(schedule.factor)} once the ${watched} loss has not improved for more than ${plural(schedule.patience, 'epoch')})`;
  }
}
