import { describe, expect, it } from 'vitest';
import { affineInto, augmentInto, drawErasure, roundHalfEven, type AffineDraw } from '../../main/data/augment.ts';
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

/** A 9×9 image, dark but for one bright pixel at (row, column). */
function dot(row: number, column: number): Uint8Array {
  const pixels = new Uint8Array(SIZE * SIZE);
  pixels[row * SIZE + column] = 255;
  return pixels;
}

function warped(source: Uint8Array, draw: Partial<AffineDraw>): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  affineInto(out, 0, source, 0, [SIZE, SIZE, 1], { angle: 0, dx: 0, dy: 0, scale: 1, shear: 0, ...draw });
  return out;
}

/** The (row, column) of every pixel above `threshold`. */
function lit(image: Float32Array, threshold = 0.99): [number, number][] {
  return [...image.keys()].filter((i) => image[i]! > threshold).map((i) => [Math.floor(i / SIZE), i % SIZE]);
}

/** Random numbers from a list, in order. */
function scripted(values: number[]): () => number {
  let next = 0;
  return () => {
    if (next >= values.length) throw new Error('the script ran out of numbers');
    return values[next++]!;
  };
}

describe("RandomAffine's geometry, by hand (torchvision's matrix, centre (4, 4) of a 9×9 image, y down)", () => {
  it('scales about the centre: at 2×, the dot 2 px right of the centre lands 4 px right, and halfway between samples reads half', () => {
    const out = warped(dot(4, 6), { scale: 2 });
    expect(lit(out)).toEqual([[4, 8]]);
    // Output column 7 reads source column 4 + 3 / 2 = 5.5: half of the dark pixel 5 and half of the dot at 6.
    expect(out[4 * SIZE + 7]).toBeCloseTo(0.5, 6);
    expect(out[4 * SIZE + 6]).toBe(0);
  });

  it('shears horizontally by tan(shear) × the distance from the centre row: at 45°, the dot 2 rows below the centre moves 2 columns left', () => {
    expect(lit(warped(dot(6, 4), { shear: 45 }))).toEqual([[6, 2]]);
    // Rows above the centre move the other way; the centre row stays.
    expect(lit(warped(dot(2, 4), { shear: 45 }))).toEqual([[2, 6]]);
    expect(lit(warped(dot(4, 7), { shear: 45 }))).toEqual([[4, 7]]);
  });

  it("rotates clockwise on screen for a positive angle, as torchvision's affine does: 90° takes right of the centre to below it", () => {
    expect(lit(warped(dot(4, 6), { angle: 90 }))).toEqual([[6, 4]]);
  });

  it('composes rotation, shear and scale as R·ShX·scale, then shifts: 90°, 45° shear, 2×, one column right', () => {
    // The dot at (row 5, column 4) is (0, 1) from the centre: ShX takes it to (−1, 1), R(90°) to (−1, −1),
    // the scale to (−2, −2), the shift to (−1, −2): row 2, column 3.
    expect(lit(warped(dot(5, 4), { angle: 90, shear: 45, scale: 2, dx: 1 }))).toEqual([[2, 3]]);
  });

  it('draws scale and shear only when they are on, after the angle and shift: an older rotation-and-shift run repeats', () => {
    // Golden values of the augmentation before scale, shear and erasing existed (same image, seed 5, three images).
    const size = 28;
    const source = new Uint8Array(size * size).map((_, i) => (i * 37 + (i >> 3) * 11) % 256);
    const out = new Float32Array(3 * size * size);
    const random = seededRandom(5);
    for (let k = 0; k < 3; k++) augmentInto(out, k * size * size, source, 0, [size, size, 1], { rotate: 7, shift: 2, scale: 0, shear: 0, erase: 0 }, random);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1100.7127117804484, 6);
    expect([out[100], out[900], out[2000]]).toEqual([0.43245846033096313, 0.5442035794258118, 0.46763700246810913]);
    expect(random()).toBe(0.22942897235043347);
  });
});

describe("RandomErasing's draw, by hand", () => {
  const erase = { rotate: 0, shift: 0, erase: 0.5, eraseArea: [0.02, 0.33] as const, eraseRatio: [0.3, 3.3] as const };

  it('erases a rectangle of the drawn area and shape at the drawn place', () => {
    // Area 784 × (0.02 + 0.5 × 0.31) = 137.2; ratio e^((ln 0.3 + ln 3.3) / 2) = √0.99; height = round(√(137.2 × √0.99)) = 12,
    // width = round(√(137.2 / √0.99)) = 12; top ⌊0.25 × 17⌋ = 4, left ⌊0.75 × 17⌋ = 12.
    expect(drawErasure(erase, 28, 28, scripted([0.1, 0.5, 0.5, 0.25, 0.75]))).toEqual({ top: 4, left: 12, height: 12, width: 12 });
    const out = new Float32Array(28 * 28);
    augmentInto(out, 0, new Uint8Array(28 * 28).fill(255), 0, [28, 28, 1], erase, scripted([0.1, 0.5, 0.5, 0.25, 0.75]));
    const erased = [...out.keys()].filter((i) => out[i] === 0);
    expect(erased).toHaveLength(144);
    expect(erased.every((i) => Math.floor(i / 28) >= 4 && Math.floor(i / 28) < 16 && i % 28 >= 12 && i % 28 < 24)).toBe(true);
  });

  it('leaves the image when the coin says no (a draw at or above the probability)', () => {
    expect(drawErasure(erase, 28, 28, scripted([0.5]))).toBeNull();
  });

  it('gives up after ten rectangles that do not fit, as torchvision does', () => {
    const whole = { ...erase, erase: 1, eraseArea: [1, 1] as const, eraseRatio: [1, 1] as const };
    expect(drawErasure(whole, 28, 28, scripted([0, ...Array(20).fill(0.5)]))).toBeNull();
  });

  it("rounds sizes as Python's round does, halves to even", () => {
    expect([0.5, 1.5, 2.5, 12.5, 11.684, 3.2].map(roundHalfEven)).toEqual([0, 2, 2, 12, 12, 3]);
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
