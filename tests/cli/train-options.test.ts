/**
 * `cnn-studio train` flags against the graph file's training section: a flag always wins over the
 * file, one setting has one flag (`--lr` is one-cycle's peak; it was silently ignored when the
 * file's one-cycle had its own `maxLr`), every schedule parameter has a flag, and a flag that
 * would change nothing is refused with the reason instead of being dropped. The settings a run
 * records (settings.json) are the ones it used.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAugment, parseMilestones, parseValidation } from '../../main/cli/flag-parsers.ts';
import { settingsFromFlags, type TrainFlags } from '../../main/cli/train-options.ts';
import type { TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import { runCli } from '../support/cli.ts';

/** A file's recipe as older files wrote one-cycle: its own peak beside the learning rate. */
const OLD_ONE_CYCLE: TrainingSettingsInput = { learningRate: 0.01, schedule: { type: 'oneCycle', maxLr: 0.1, pctStart: 0.25 } };

const refusal = (base: TrainingSettingsInput | undefined, flags: TrainFlags) => {
  try {
    settingsFromFlags(base, flags);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('one setting, one meaning: the learning rate is one-cycle\'s peak', () => {
  it('reads an older file\'s maxLr as its learning rate, so it trains at the peak it always did', () => {
    const settings = settingsFromFlags(OLD_ONE_CYCLE, {});
    expect(settings.learningRate).toBe(0.1);
    expect(settings.schedule).toEqual({ type: 'oneCycle', pctStart: 0.25, divFactor: 25, finalDivFactor: 1e4, cycleMomentum: false, baseMomentum: 0.85, maxMomentum: 0.95 });
  });

  it('lets --lr win over the file\'s maxLr (it was ignored), and takes --max-lr as the same setting', () => {
    expect(settingsFromFlags(OLD_ONE_CYCLE, { lr: 0.2 }).learningRate).toBe(0.2);
    expect(settingsFromFlags(OLD_ONE_CYCLE, { maxLr: 0.3 }).learningRate).toBe(0.3);
    expect(refusal(OLD_ONE_CYCLE, { lr: 0.2, maxLr: 0.3 })).toBe('--lr 0.2 and --max-lr 0.3 both set the one-cycle peak; give one of them');
  });
});

describe('a flag for every setting', () => {
  it('sets one-cycle\'s start, divisors and momentum cycling', () => {
    const settings = settingsFromFlags(undefined, { schedule: 'onecycle', pctStart: 0.2, divFactor: 10, finalDivFactor: 100, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 });
    expect(settings.schedule).toEqual({ type: 'oneCycle', pctStart: 0.2, divFactor: 10, finalDivFactor: 100, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 });
  });

  it('sets the multi-step milestones, the cosine floor and the warm-up', () => {
    expect(settingsFromFlags(undefined, { schedule: 'multistep', milestones: [5, 8], gamma: 0.2 }).schedule).toEqual({ type: 'multiStep', milestones: [5, 8], gamma: 0.2 });
    expect(settingsFromFlags(undefined, { schedule: 'cosine', minLr: 1e-4 }).schedule).toEqual({ type: 'cosine', minLr: 1e-4 });
    expect(settingsFromFlags(undefined, { warmup: 2, warmupStartFactor: 0.1 }).warmup).toEqual({ epochs: 2, startFactor: 0.1 });
    expect(settingsFromFlags({ warmup: { epochs: 1, startFactor: 0.5 } }, { warmup: 3 }).warmup).toEqual({ epochs: 3, startFactor: 0.5 });
  });

  it('sets the optimizer, its betas and epsilon, weight decay, label smoothing, initialisation and the validation split', () => {
    const settings = settingsFromFlags(undefined, { optimizer: 'adamw', beta1: 0.85, beta2: 0.99, eps: 1e-8, weightDecay: 0.05, labelSmoothing: 0.1, init: 'kaimingNormal', validation: 'none' });
    expect(settings).toMatchObject({ optimizer: 'adamw', beta1: 0.85, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.05, labelSmoothing: 0.1, init: 'kaimingNormal', validation: 'none' });
  });

  it.each([
    [{}, { momentum: 0.5, optimizer: 'adam' as const }, "--momentum does not apply to adam (SGD's momentum; Adam's counterpart is --beta1)"],
    [{}, { nesterov: true, optimizer: 'adamw' as const }, '--nesterov does not apply to adamw (Nesterov momentum is an SGD setting)'],
    [{}, { eps: 1e-8 }, "--eps does not apply to sgd (epsilon is Adam's and AdamW's)"],
    [{}, { minLr: 0.001 }, '--min-lr applies to the cosine and plateau schedules, but the schedule is constant; add --schedule cosine or --schedule plateau'],
    [{}, { milestones: [3], schedule: 'step' }, '--milestones applies to the multiStep schedule, but the schedule is step; add --schedule multistep'],
    [{}, { cycleMomentum: false }, '--no-cycle-momentum applies to the oneCycle schedule, but the schedule is constant; add --schedule onecycle'],
    [{}, { warmupStartFactor: 0.1 }, '--warmup-start-factor sets where a warm-up starts, but there is no warm-up; add --warmup EPOCHS'],
    [
      { schedule: { type: 'oneCycle', cycleMomentum: true } },
      { momentum: 0.9 },
      '--momentum has no effect while the one-cycle schedule cycles the momentum (from 0.95 to 0.85 and back); set --base-momentum and --max-momentum, or add --no-cycle-momentum',
    ],
    [{}, { labelSmoothing: 1 }, 'invalid training settings: labelSmoothing: label smoothing must be below 1'],
    [{}, { weightDecay: -1 }, 'invalid training settings: weightDecay: weight decay must be at least 0'],
    [{}, { schedule: 'multistep', milestones: [8, 5] }, 'invalid training settings: schedule.milestones: milestones must be in increasing order'],
  ] as [TrainingSettingsInput, TrainFlags, string][])('refuses %j with %j: %s', (base, flags, message) => {
    expect(refusal(base, flags)).toBe(message);
  });
});

describe('the flag parsers', () => {
  it('read the whole augmentation, what is not named being off', () => {
    expect(parseAugment('rotate=7,scale=0.1,shear=5,erase=0.5,erase-area=0.02:0.2,erase-ratio=0.5:2')).toEqual({ rotate: 7, shift: 0, scale: 0.1, shear: 5, erase: 0.5, eraseArea: [0.02, 0.2], eraseRatio: [0.5, 2] });
    expect(parseAugment('none')).toMatchObject({ rotate: 0, shift: 0, scale: 0, shear: 0, erase: 0 });
    expect(() => parseAugment('erase-area=0.1:0.2')).toThrow('--augment erase-area and erase-ratio shape the erased rectangle, but erasing is off; add erase=PROBABILITY.');
    expect(() => parseAugment('rotate=7,rotate=8')).toThrow('--augment takes');
    expect(() => parseAugment('erase=0.5,erase-area=0.2')).toThrow('--augment erase-area takes LOW:HIGH, not "0.2".');
  });

  it('read milestones and the validation split', () => {
    expect(parseMilestones('10,15')).toEqual([10, 15]);
    expect(() => parseMilestones('10,x')).toThrow('--milestones takes epochs as whole numbers, "10,15", not "10,x".');
    expect([parseValidation('auto'), parseValidation('none'), parseValidation('3000')]).toEqual(['auto', 'none', 3000]);
    expect(() => parseValidation('10%')).toThrow('--validation takes auto, none or a number of images, not "10%".');
  });
});

describe('cnn-studio train records what it used', () => {
  it('writes the settings the flags gave, over the file\'s, into settings.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-flags-'));
    const result = await runCli([
      'train', 'resources/journey/round-10.json', '--epochs', '1', '--limit', '160', '--batch', '32', '--out', out, '--json',
      '--optimizer', 'adamw', '--lr', '0.003', '--beta2', '0.99', '--eps', '1e-8', '--weight-decay', '0.01', '--label-smoothing', '0.1', '--init', 'kaimingUniform',
      '--schedule', 'onecycle', '--pct-start', '0.2', '--div-factor', '10', '--final-div-factor', '100', '--cycle-momentum', '--base-momentum', '0.8', '--max-momentum', '0.9',
      '--warmup', '0.5', '--warmup-start-factor', '0.1', '--augment', 'rotate=5,scale=0.1,erase=0.25', '--validation', '20',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const run = join(out, readdirSync(out)[0]!);
    expect(JSON.parse(readFileSync(join(run, 'settings.json'), 'utf8'))).toEqual({
      dataset: 'mnist', validation: 20, epochs: 1, batchSize: 32, optimizer: 'adamw', learningRate: 0.003, momentum: 0.9, nesterov: false,
      beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.01, labelSmoothing: 0.1, init: 'kaimingUniform',
      schedule: { type: 'oneCycle', pctStart: 0.2, divFactor: 10, finalDivFactor: 100, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 },
      warmup: { epochs: 0.5, startFactor: 0.1 },
      augment: { rotate: 5, shift: 0, scale: 0.1, shear: 0, erase: 0.25, eraseArea: [0.02, 0.33], eraseRatio: [0.3, 3.3] },
      seed: 1, limit: 160,
    });
    const started = result.stdout.split('\n').map((line) => JSON.parse(line || '{}')).find((e) => e.type === 'started');
    expect(started).toMatchObject({ trainImages: 140, validationImages: 20 });
  }, 120_000);
});
