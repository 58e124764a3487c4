import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';

const refusal = (input: unknown) => {
  const parsed = trainingSettingsSchema.safeParse(input);
  return parsed.success ? null : `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`;
};

describe('training settings', () => {
  it('take their defaults from nothing', () => {
    expect(trainingSettingsSchema.parse({})).toMatchObject({ dataset: 'mnist', epochs: 20, batchSize: 128, optimizer: 'sgd', augment: { rotate: 0, shift: 0 } });
  });

  it.each([
    [{ epochs: 1e9 }, 'epochs: epochs must be at most 10,000'],
    [{ batchSize: 1e9 }, 'batchSize: batch size must be at most 65,536'],
    [{ limit: 1e12 }, 'limit: limit must be at most 1,000,000,000'],
    [{ schedule: { type: 'step', stepSize: 1e9 } }, 'schedule.stepSize: step size must be at most 10,000'],
    [{ augment: { shift: 1e9 } }, 'augment.shift'],
    [{ seed: 2 ** 40 }, 'seed'],
    [{ dataset: 'x'.repeat(5000) }, 'dataset: the dataset name is too long'],
    [{ epochs: 0 }, 'epochs: epochs must be at least 1'],
  ])('refuse %j with a message naming the setting', (input, message) => {
    expect(refusal(input)).toContain(message);
  });
});
