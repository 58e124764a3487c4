/** The validation split: which images, how many by default, and that they are held out of training. */
import { describe, expect, it } from 'vitest';
import { cleanTrainSample, evenlySpaced, holdOut } from '../../main/data/validation-split.ts';
import { trainingSettingsSchema, validationCount } from '../../main/graph/training-settings.ts';

/** A split of `count` 1-pixel images whose pixel and label are the image's own index. */
const numbered = (count: number) => ({ count, pixels: Uint8Array.from({ length: count }, (_, i) => i), labels: Uint8Array.from({ length: count }, (_, i) => i % 10) });

describe('the validation split', () => {
  it('is on by default: a twelfth of the training images, at most 5,000 (MNIST: 5,000 of 60,000)', () => {
    expect(trainingSettingsSchema.parse({}).validation).toBe('auto');
    expect(validationCount('auto', 60_000)).toBe(5_000);
    expect(validationCount('auto', 120_000)).toBe(5_000);
    expect(validationCount('auto', 12_000)).toBe(1_000);
    expect(validationCount('auto', 640)).toBe(53);
    expect(validationCount('auto', 5)).toBe(1);
    expect(validationCount('none', 60_000)).toBe(0);
    expect(validationCount(300, 60_000)).toBe(300);
  });

  it('takes evenly spaced images, ⌊(j + ½)·count / n⌋: every 12th of MNIST from the 7th', () => {
    expect([...evenlySpaced(60_000, 5_000).subarray(0, 4)]).toEqual([6, 18, 30, 42]);
    expect(evenlySpaced(60_000, 5_000).at(-1)).toBe(59_994);
    expect([...evenlySpaced(10, 3)]).toEqual([1, 5, 8]);
    expect([...evenlySpaced(4, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('holds those images out of the training images, keeping the rest in order', () => {
    const { train, validation } = holdOut(numbered(10), 3);
    expect([...validation.pixels]).toEqual([1, 5, 8]);
    expect([...validation.labels]).toEqual([1, 5, 8]);
    expect([...train.pixels]).toEqual([0, 2, 3, 4, 6, 7, 9]);
    expect(train.count + validation.count).toBe(10);
  });

  it('draws from every class of a folder listed class by class', () => {
    const sorted = { count: 1000, pixels: new Uint8Array(1000), labels: Uint8Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100)) };
    const { validation } = holdOut(sorted, 83);
    const perClass = Array.from({ length: 10 }, (_, c) => validation.labels.filter((label) => label === c).length);
    expect(Math.min(...perClass)).toBeGreaterThanOrEqual(8);
  });

  it('with none, trains on every image', () => {
    const { train, validation } = holdOut(numbered(10), 0);
    expect(train.count).toBe(10);
    expect(validation.count).toBe(0);
  });

  it('measures the clean train accuracy on at most 5,000 evenly spaced training images', () => {
    expect(cleanTrainSample(numbered(200)).count).toBe(200);
    const sample = cleanTrainSample({ count: 55_000, pixels: new Uint8Array(55_000), labels: new Uint8Array(55_000) });
    expect(sample.count).toBe(5_000);
  });

  it.each([
    [{ validation: 0 }, 'validation'],
    [{ validation: -5 }, 'validation'],
    [{ validation: 'some' }, 'validation must be "auto", "none" or a number of images'],
    [{ validation: 2.5 }, 'validation'],
  ])('refuses %j', (input, message) => {
    const parsed = trainingSettingsSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(`${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`).toContain(message);
  });
});
