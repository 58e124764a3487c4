import { describe, expect, it } from 'vitest';
import { scheduleNeverChanged } from '../../main/advice/rules/schedule-never-changed.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import { epoch, journeyRound, OPTIONS, settingsOf, runContext } from './helpers.ts';

// The journey's round-10 log: test accuracy per epoch, 20 epochs, at a rate that stayed 0.05.
const ROUND_10_TEST = [98.62, 98.36, 98.99, 98.87, 99.14, 99.2, 99.19, 99.35, 99.3, 99.24, 99.21, 99.26, 99.44, 99.27, 99.28, 99.2, 99.18, 99.43, 99.44, 99.23];

const round10Run = (rate: (epoch: number) => number): EpochEvent[] =>
  ROUND_10_TEST.map((test, i) => epoch(i + 1, { testAccuracy: test / 100, testLoss: 0.03, trainLoss: 0.2 / (i + 1), learningRate: rate(i + 1) }));

/** Epochs reporting one rate, with the test losses given. */
const flatRun = (rate: number, testLosses: number[]) => testLosses.map((testLoss, i) => epoch(i + 1, { testLoss, learningRate: rate }));

describe('schedule-never-changed', () => {
  const round10 = journeyRound(10).graph.training!;

  it("flags round 10's StepLR that never stepped: 20 epochs at 0.05", () => {
    expect(round10.schedule).toEqual({ type: 'step', stepSize: 6, gamma: 0.1 });
    const advice = scheduleNeverChanged(runContext(round10Run(() => 0.05), round10), OPTIONS);
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ rule: 'schedule-never-changed', severity: 'warning' });
    expect(advice[0]!.message).toBe(
      'The step schedule (×0.1 every 6 epochs) should have brought the learning rate to 0.005 by epoch 7, but all 20 epochs report 0.05, ' +
        "so this run trained at a constant rate. The journey's round-10 notebook made the same slip (it never called scheduler.step()); " +
        'rerun it with the schedule applied before comparing it with other runs.',
    );
  });

  it('accepts the same run when the rate does step', () => {
    const stepped = round10Run((e) => 0.05 * 0.1 ** Math.floor((e - 1) / 6));
    expect(scheduleNeverChanged(runContext(stepped, round10), OPTIONS)).toEqual([]);
  });

  it('accepts a constant schedule', () => {
    expect(scheduleNeverChanged(runContext(round10Run(() => 0.05), { ...round10, schedule: { type: 'constant' } }), OPTIONS)).toEqual([]);
  });

  it('waits until the step schedule was due: 6 epochs of a 6-epoch step are all at the first rate', () => {
    expect(scheduleNeverChanged(runContext(round10Run(() => 0.05).slice(0, 6), round10), OPTIONS)).toEqual([]);
    expect(scheduleNeverChanged(runContext(round10Run(() => 0.05).slice(0, 7), round10), OPTIONS)).toHaveLength(1);
  });

  it('flags a one-cycle schedule whose rate stayed put from the second epoch on', () => {
    const settings = settingsOf({ epochs: 3, schedule: { type: 'oneCycle' } });
    expect(scheduleNeverChanged(runContext(flatRun(0.01, [0.3]), settings), OPTIONS)).toEqual([]);
    const advice = scheduleNeverChanged(runContext(flatRun(0.01, [0.3, 0.2, 0.1]), settings), OPTIONS);
    expect(advice[0]!.message).toContain('The one-cycle schedule should have moved the learning rate from batch to batch, but all 3 epochs report 0.01');
  });

  it('expects a plateau schedule to act only once the test loss stalled for longer than its patience', () => {
    const settings = settingsOf({ schedule: { type: 'plateau', patience: 2 } });
    expect(scheduleNeverChanged(runContext(flatRun(0.01, [0.5, 0.4, 0.3, 0.2, 0.1]), settings), OPTIONS)).toEqual([]);
    expect(scheduleNeverChanged(runContext(flatRun(0.01, [0.5, 0.6, 0.6, 0.6]), settings), OPTIONS)).toEqual([]);
    const advice = scheduleNeverChanged(runContext(flatRun(0.01, [0.5, 0.6, 0.6, 0.6, 0.6]), settings), OPTIONS);
    expect(advice[0]!.message).toContain(
      'The plateau schedule (×0.1 once the test loss has not improved for more than 2 epochs) should have brought the learning rate to 0.001 by epoch 5',
    );
  });

  it('says nothing about a single epoch or rates that are not numbers', () => {
    expect(scheduleNeverChanged(runContext(round10Run(() => 0.05).slice(0, 1), round10), OPTIONS)).toEqual([]);
    expect(scheduleNeverChanged(runContext(round10Run(() => Number.NaN), round10), OPTIONS)).toEqual([]);
  });
});
