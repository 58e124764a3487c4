/**
 * The training panel's one mapping between a design's training section and its fields: every
 * setting the schema has is shown, each field writes back what it shows, and what the schema
 * refuses is refused with its reason.
 */
import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import { applyCommand, initialState, isDirty } from '../../renderer/src/editor/editor-state.ts';
import { changeSetting, formatSetting, settingRows, type SettingRow } from '../../renderer/src/training/training-fields.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

/** Every setting away from its default, one schedule at a time, on SGD and on AdamW. */
const SCHEDULES: TrainingSettingsInput['schedule'][] = [
  { type: 'step', stepSize: 3, gamma: 0.5 },
  { type: 'multiStep', milestones: [2, 5], gamma: 0.2 },
  { type: 'cosine', minLr: 0.001 },
  { type: 'oneCycle', pctStart: 0.25, divFactor: 10, finalDivFactor: 100, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 },
  { type: 'plateau', factor: 0.5, patience: 3, minLr: 0.0001 },
  { type: 'constant' },
];
const COMMON: TrainingSettingsInput = {
  dataset: 'idx:digits',
  validation: 1000,
  epochs: 2,
  batchSize: 16,
  learningRate: 0.02,
  weightDecay: 5e-4,
  labelSmoothing: 0.1,
  init: 'kaimingNormal',
  warmup: { epochs: 1.5, startFactor: 0.1 },
  augment: { rotate: 5, shift: 1, scale: 0.1, shear: 4, erase: 0.5, eraseArea: [0.05, 0.2], eraseRatio: [0.5, 2] },
  seed: 7,
  limit: 64,
};
const RECIPES: TrainingSettings[] = SCHEDULES.flatMap((schedule) => [
  trainingSettingsSchema.parse({ ...COMMON, optimizer: 'sgd', momentum: 0.8, nesterov: true, schedule }),
  trainingSettingsSchema.parse({ ...COMMON, optimizer: 'adamw', beta1: 0.85, beta2: 0.99, epsilon: 1e-8, schedule }),
]);

/** The settings a recipe's form leaves out, because they do nothing with it. */
function hiddenFor(recipe: TrainingSettings): string[] {
  const cycling = recipe.schedule.type === 'oneCycle' && recipe.schedule.cycleMomentum;
  if (recipe.optimizer === 'sgd') return ['beta1', 'beta2', 'epsilon', ...(cycling ? ['momentum'] : [])];
  return ['momentum', 'nesterov', ...(cycling ? ['beta1'] : [])];
}

/** Types each row's shown value back into it, as a user retyping the form would. */
function retype(settings: TrainingSettings, row: SettingRow): TrainingSettings {
  const outcome = changeSetting(settings, row, row.field.kind === 'boolean' ? row.value === true : formatSetting(row.value));
  if (!outcome.ok) throw new Error(`${row.key}: ${outcome.message}`);
  return outcome.settings;
}

describe('the training panel fields', () => {
  it.each(RECIPES.map((recipe) => [recipe.schedule.type, recipe.optimizer, recipe] as const))('show every setting of a %s recipe on %s, and each writes back what it shows', (_type, _optimizer, recipe) => {
    const rows = settingRows(recipe);
    const shown = new Set(rows.map((row) => row.key));
    const hidden = hiddenFor(recipe);
    for (const key of Object.keys(recipe)) {
      if (key === 'schedule' || key === 'augment' || key === 'warmup') continue;
      if (hidden.includes(key)) expect(shown, key).not.toContain(key);
      else expect(shown, key).toContain(key);
    }
    for (const key of Object.keys(recipe.augment)) expect(shown).toContain(`augment.${key}`);
    for (const key of Object.keys(recipe.warmup)) expect(shown).toContain(`warmup.${key}`);
    for (const key of Object.keys(recipe.schedule)) expect(shown).toContain(key === 'type' ? 'schedule' : `schedule.${key}`);
    let settings = recipe;
    for (const row of rows) settings = retype(settings, row);
    expect(settings).toEqual(recipe);
  });

  it('hides momentum and Nesterov for Adam, the betas and epsilon for SGD, and what erasing and warm-up take while they are off', () => {
    const adam = settingRows(trainingSettingsSchema.parse({ optimizer: 'adam' })).map((row) => row.key);
    expect(adam).not.toContain('momentum');
    expect(adam).not.toContain('nesterov');
    expect(adam).toEqual(expect.arrayContaining(['beta1', 'beta2', 'epsilon', 'weightDecay']));
    const plain = settingRows(trainingSettingsSchema.parse({})).map((row) => row.key);
    expect(plain).not.toContain('beta1');
    expect(plain).not.toContain('augment.eraseArea');
    expect(plain).not.toContain('warmup.startFactor');
    expect(plain).toEqual(expect.arrayContaining(['validation', 'weightDecay', 'labelSmoothing', 'init', 'warmup.epochs', 'augment.scale', 'augment.shear', 'augment.erase']));
  });

  it('leaves the limit out when its field is emptied, and takes auto, none or a number for the validation split', () => {
    const [recipe] = RECIPES;
    const rows = settingRows(recipe!);
    const limit = changeSetting(recipe!, rows.find((row) => row.key === 'limit')!, '');
    expect(limit.ok && 'limit' in limit.settings).toBe(false);
    const validation = rows.find((row) => row.key === 'validation')!;
    for (const [text, value] of [['auto', 'auto'], [' none ', 'none'], ['3000', 3000]] as const) {
      const outcome = changeSetting(recipe!, validation, text);
      expect(outcome.ok && outcome.settings.validation).toBe(value);
    }
  });

  it('reads lists and ranges typed with commas', () => {
    const multiStep = RECIPES.find((recipe) => recipe.schedule.type === 'multiStep')!;
    const rows = settingRows(multiStep);
    const milestones = changeSetting(multiStep, rows.find((row) => row.key === 'schedule.milestones')!, '3, 6,9');
    expect(milestones.ok && milestones.settings.schedule).toMatchObject({ milestones: [3, 6, 9] });
    const area = changeSetting(multiStep, rows.find((row) => row.key === 'augment.eraseArea')!, '0.1, 0.25');
    expect(area.ok && area.settings.augment.eraseArea).toEqual([0.1, 0.25]);
    expect(formatSetting([0.1, 0.25])).toBe('0.1, 0.25');
  });

  it("starts a new schedule from that schedule's own defaults", () => {
    const [step] = RECIPES;
    const schedule = settingRows(step!).find((row) => row.key === 'schedule')!;
    const outcome = changeSetting(step!, schedule, 'plateau');
    expect(outcome.ok && outcome.settings.schedule).toEqual({ type: 'plateau', factor: 0.1, patience: 2, minLr: 0 });
  });

  it.each([
    ['epochs', '0', 'epochs must be at least 1'],
    ['epochs', '2.5', 'epochs must be a whole number'],
    ['batchSize', 'many', 'Batch must be a number'],
    ['learningRate', '', 'Learning rate needs a value'],
    ['seed', '-1', /^Seed: /],
    ['augment.rotate', '200', /^Rotate ±: /],
    ['validation', 'half', 'Validation must be auto, none or a number of images'],
    ['validation', '0', 'the validation split must be at least 1'],
    ['labelSmoothing', '1', 'label smoothing must be below 1'],
    ['weightDecay', '-0.1', 'weight decay must be at least 0'],
    ['augment.eraseArea', '0.3', 'Erased area takes two numbers, low and high'],
    ['augment.eraseArea', '0.3, 0.1', 'erase area must be [low, high] with low ≤ high'],
    ['warmup.epochs', 'x', 'Warm-up must be a number'],
  ])('refuses %s = "%s" with its reason', (key, text, message) => {
    const [recipe] = RECIPES;
    const row = settingRows(recipe!).find((candidate) => candidate.key === key)!;
    const outcome = changeSetting(recipe!, row, text);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toMatch(message);
  });
});

describe('editing the recipe in the editor', () => {
  it('makes one undo step per field, changes nothing when the recipe is the same, and leaves the design dirty until saved', () => {
    const opened = initialState(loadPreset(journeyPath(10)), 'round-10.json');
    expect(applyCommand(opened, { type: 'setTraining', training: structuredClone(opened.graph.training!) })).toBe(opened);

    const seedRow = settingRows(opened.graph.training!).find((row) => row.key === 'seed')!;
    let state = opened;
    for (const text of ['4', '42']) {
      const outcome = changeSetting(state.graph.training!, seedRow, text);
      if (!outcome.ok) throw new Error(outcome.message);
      state = applyCommand(state, { type: 'setTraining', training: outcome.settings, mergeKey: 'training.seed' });
    }
    expect(state.graph.training!.seed).toBe(42);
    expect(isDirty(state)).toBe(true);
    const undone = applyCommand(state, { type: 'undo' });
    expect(undone.graph.training!.seed).toBe(1);
    expect(applyCommand(state, { type: 'saved', path: 'round-10.json' })).toSatisfy((saved: typeof state) => !isDirty(saved));
  });
});
