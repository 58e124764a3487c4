/**
 * The training panel's one mapping between a design's training section and its fields: every
 * setting the schema has is shown, each field writes back what it shows, and what the schema
 * refuses is refused with its reason.
 */
import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema, type TrainingSettings } from '../../main/graph/training-settings.ts';
import { applyCommand, initialState, isDirty } from '../../renderer/src/editor/editor-state.ts';
import { changeSetting, formatSetting, settingRows, type SettingRow } from '../../renderer/src/training/training-fields.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

/** Every setting away from its default, one schedule at a time. */
const RECIPES: TrainingSettings[] = [
  { type: 'step', stepSize: 3, gamma: 0.5 },
  { type: 'oneCycle', maxLr: 0.1, pctStart: 0.25, divFactor: 10, finalDivFactor: 100 },
  { type: 'plateau', factor: 0.5, patience: 3, minLr: 0.0001 },
  { type: 'constant' },
].map((schedule) =>
  trainingSettingsSchema.parse({ dataset: 'idx:digits', epochs: 2, batchSize: 16, optimizer: 'sgd', learningRate: 0.02, momentum: 0.8, nesterov: true, schedule, augment: { rotate: 5, shift: 1 }, seed: 7, limit: 64 }),
);

/** Types each row's shown value back into it, as a user retyping the form would. */
function retype(settings: TrainingSettings, row: SettingRow): TrainingSettings {
  const outcome = changeSetting(settings, row, row.field.kind === 'boolean' ? row.value === true : formatSetting(row.value));
  if (!outcome.ok) throw new Error(`${row.key}: ${outcome.message}`);
  return outcome.settings;
}

describe('the training panel fields', () => {
  it.each(RECIPES.map((recipe) => [recipe.schedule.type, recipe] as const))('show every setting of a %s recipe, and each writes back what it shows', (_type, recipe) => {
    const rows = settingRows(recipe);
    const shown = new Set(rows.map((row) => row.key));
    for (const key of Object.keys(recipe)) {
      if (key === 'schedule' || key === 'augment') continue;
      expect(shown, key).toContain(key);
    }
    for (const key of Object.keys(recipe.augment)) expect(shown).toContain(`augment.${key}`);
    for (const key of Object.keys(recipe.schedule)) expect(shown).toContain(key === 'type' ? 'schedule' : `schedule.${key}`);
    let settings = recipe;
    for (const row of rows) settings = retype(settings, row);
    expect(settings).toEqual(recipe);
  });

  it('hides momentum and Nesterov for Adam', () => {
    const keys = settingRows(trainingSettingsSchema.parse({ optimizer: 'adam' })).map((row) => row.key);
    expect(keys).not.toContain('momentum');
    expect(keys).not.toContain('nesterov');
  });

  it('leaves the limit and the peak rate out when their field is emptied', () => {
    const [, oneCycle] = RECIPES;
    const rows = settingRows(oneCycle!);
    const limit = changeSetting(oneCycle!, rows.find((row) => row.key === 'limit')!, '');
    expect(limit.ok && 'limit' in limit.settings).toBe(false);
    const peak = changeSetting(oneCycle!, rows.find((row) => row.key === 'schedule.maxLr')!, ' ');
    expect(peak.ok && peak.settings.schedule).toEqual({ type: 'oneCycle', pctStart: 0.25, divFactor: 10, finalDivFactor: 100 });
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
