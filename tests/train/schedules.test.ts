import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createSchedule } from '../../main/train/schedules.ts';

const schedule = (input: unknown) => trainingSettingsSchema.parse({ schedule: input }).schedule;

describe('learning-rate schedules', () => {
  it('constant never changes', () => {
    const s = createSchedule(schedule({ type: 'constant' }), 0.01, 20, 100);
    expect([0, 5, 19].map((epoch) => s.rate(epoch, 50))).toEqual([0.01, 0.01, 0.01]);
  });

  it("step follows round 10's StepLR(step 6, gamma 0.1) epoch by epoch", () => {
    const s = createSchedule(schedule({ type: 'step', stepSize: 6, gamma: 0.1 }), 0.05, 15, 469);
    const rates = Array.from({ length: 15 }, (_, epoch) => s.rate(epoch, 0));
    const expected = [...Array(6).fill(0.05), ...Array(6).fill(0.005), ...Array(3).fill(0.0005)];
    rates.forEach((rate, i) => expect(rate).toBeCloseTo(expected[i]!, 10));
  });

  it('one-cycle warms up to the peak, then anneals far below the start', () => {
    // An older file's maxLr is the learning rate the schedule peaks at.
    const settings = trainingSettingsSchema.parse({ learningRate: 0.01, schedule: { type: 'oneCycle', maxLr: 0.1 } });
    expect(settings.learningRate).toBe(0.1);
    const s = createSchedule(settings.schedule, settings.learningRate, 10, 100);
    const first = s.rate(0, 0);
    const peak = s.rate(2, 99); // 30 % of 1,000 steps
    const last = s.rate(9, 99);
    expect(first).toBeCloseTo(0.1 / 25);
    expect(peak).toBeCloseTo(0.1);
    expect(last).toBeCloseTo(0.1 / 25 / 1e4);
    expect(s.rate(1, 0)).toBeGreaterThan(first);
    expect(s.rate(6, 0)).toBeLessThan(peak);
  });

  it('plateau divides the rate once the test loss stops improving for longer than the patience', () => {
    const s = createSchedule(schedule({ type: 'plateau', factor: 0.5, patience: 1 }), 0.1, 10, 10);
    const rates: number[] = [];
    for (const loss of [1.0, 0.8, 0.8, 0.8, 0.7, 0.9, 0.9]) {
      s.epochEnded(loss);
      rates.push(s.rate(0, 0));
    }
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
  });
});
