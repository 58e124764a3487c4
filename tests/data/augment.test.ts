import { describe, expect, it } from 'vitest';
import { augmentInto } from '../../main/data/augment.ts';
import { fillBatch } from '../../main/data/batches.ts';
import type { ImageDataset } from '../../main/data/dataset.ts';
import { seededRandom } from '../../main/data/random.ts';

const SIZE = 9;
/** A 9×9 image with a horizontal bar through the middle row. */
function bar(): Uint8Array {
  const pixels = new Uint8Array(SIZE * SIZE);
  for (let x = 1; x < SIZE - 1; x++) pixels[4 * SIZE + x] = 255;
  return pixels;
}

function augmented(rotate: number, shift: number, seed = 1): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  augmentInto(out, 0, bar(), 0, [SIZE, SIZE, 1], { rotate, shift }, seededRandom(seed));
  return out;
}

describe('augmentation', () => {
  it('leaves the image as it is with no rotation and no shift', () => {
    expect([...augmented(0, 0)]).toEqual([...bar()].map((v) => v / 255));
  });

  it('rotates about the centre: a large rotation turns the bar away from its row', () => {
    const turned = augmented(90, 0, 3);
    const middleRow = turned.slice(4 * SIZE, 5 * SIZE).reduce((a, b) => a + b, 0);
    expect(middleRow).toBeLessThan(4);
    expect(turned[4 * SIZE + 4]).toBeCloseTo(1); // the centre pixel stays put
  });

  it('keeps a small rotation close to the original (the ±7° of round 9)', () => {
    const original = [...bar()].map((v) => v / 255);
    const difference = augmented(7, 0).reduce((sum, v, i) => sum + Math.abs(v - original[i]!), 0);
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(3);
  });

  it('repeats exactly with the same seed and differs with another', () => {
    expect([...augmented(15, 2, 7)]).toEqual([...augmented(15, 2, 7)]);
    expect([...augmented(15, 2, 7)]).not.toEqual([...augmented(15, 2, 8)]);
  });
});

describe('batches', () => {
  const dataset: ImageDataset = {
    name: 'bars',
    shape: [SIZE, SIZE, 1],
    classNames: ['a', 'b', 'c'],
    train: { count: 2, pixels: new Uint8Array([...bar(), ...new Uint8Array(SIZE * SIZE)]), labels: new Uint8Array([2, 0]) },
    test: { count: 0, pixels: new Uint8Array(), labels: new Uint8Array() },
    normalization: { mean: 0.5, std: 0.25 },
  };

  it('normalises pixels and one-hot encodes labels in the order asked for', () => {
    const batch = fillBatch(dataset, dataset.train, [1, 0], { rotate: 0, shift: 0 }, seededRandom(1));
    expect(batch.size).toBe(2);
    expect(batch.images[0]).toBe((0 - 0.5) / 0.25);
    expect(batch.images[SIZE * SIZE + 4 * SIZE + 4]).toBe((1 - 0.5) / 0.25);
    expect([...batch.labels]).toEqual([1, 0, 0, 0, 0, 1]);
  });
});
