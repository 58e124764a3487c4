/**
 * Holding a validation split out of the training images, and the fixed sample of training images
 * the clean train accuracy is measured on.
 *
 * The images taken are evenly spaced through the split: image ⌊(j + ½)·count / n⌋ for j = 0 … n − 1
 * (MNIST, 5,000 of 60,000: every 12th image from the 7th). That needs no random numbers, so the
 * split is the same for every seed (runs with different seeds are compared on the same images),
 * it draws from every part of a folder dataset listed class by class, and PyTorch reproduces it
 * with `[int((j + 0.5) * count / n) for j in range(n)]`.
 */
import type { ImageSplit } from './dataset.ts';

/** The n evenly spaced positions in 0 … count − 1 (n ≤ count), ascending. */
export function evenlySpaced(count: number, n: number): Uint32Array {
  if (n > count) throw new RangeError(`cannot take ${n} of ${count} images`);
  const indices = new Uint32Array(n);
  for (let j = 0; j < n; j++) indices[j] = Math.floor(((j + 0.5) * count) / n);
  return indices;
}

/** The images of `split` at `indices`, in that order, copied. */
export function pickImages(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const size = split.count === 0 ? 0 : split.pixels.length / split.count;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    pixels.set(split.pixels.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = split.labels[index]!;
  }
  return { count: indices.length, pixels, labels };
}

/** `validation` evenly spaced images held out of `split`, and the rest (in their order) to train on. */
export function holdOut(split: ImageSplit, validation: number): { train: ImageSplit; validation: ImageSplit } {
  if (validation === 0) return { train: split, validation: { count: 0, pixels: split.pixels.subarray(0, 0), labels: split.labels.subarray(0, 0) } };
  const held = evenlySpaced(split.count, validation);
  const rest = new Uint32Array(split.count - validation);
  let next = 0;
  let r = 0;
  for (let i = 0; i < split.count; i++) {
    if (next < held.length && held[next] === i) next++;
    else rest[r++] = i;
  }
  return { train: pickImages(split, rest), validation: pickImages(split, held) };
}

/** At most this many training images are measured in the clean pass after each epoch. */
export const CLEAN_TRAIN_SAMPLE = 5_000;

/** The fixed sample of the training images (after the hold-out) the clean pass measures. */
export function cleanTrainSample(train: ImageSplit, size = CLEAN_TRAIN_SAMPLE): ImageSplit {
  return size >= train.count ? train : pickImages(train, evenlySpaced(train.count, size));
}
