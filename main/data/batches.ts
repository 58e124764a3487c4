/** Turning a dataset split into training batches: shuffled order, normalised and augmented pixels, one-hot labels. */
import { augmentInto, isIdentity, type Augmentation } from './augment.ts';
import type { ImageDataset, ImageSplit } from './dataset.ts';
import type { Random } from './random.ts';

export interface BatchArrays {
  /** `size × height × width × channels`, normalised. */
  images: Float32Array;
  /** `size × classes`, one-hot. */
  labels: Float32Array;
  size: number;
}

/** Start and end positions of each batch over `count` items; the last batch may be smaller. */
export function batchRanges(count: number, batchSize: number): [start: number, end: number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += batchSize) ranges.push([start, Math.min(start + batchSize, count)]);
  return ranges;
}

export function fillBatch(
  dataset: ImageDataset,
  split: ImageSplit,
  indices: ArrayLike<number>,
  augmentation: Augmentation,
  random: Random,
): BatchArrays {
  const size = indices.length;
  const imageSize = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const classes = dataset.classNames.length;
  const images = new Float32Array(size * imageSize);
  const labels = new Float32Array(size * classes);
  const { mean, std } = dataset.normalization;
  const plain = isIdentity(augmentation);
  for (let i = 0; i < size; i++) {
    const index = indices[i]!;
    const offset = i * imageSize;
    if (plain) {
      for (let p = 0; p < imageSize; p++) images[offset + p] = split.pixels[index * imageSize + p]! / 255;
    } else {
      augmentInto(images, offset, split.pixels, index * imageSize, dataset.shape, augmentation, random);
    }
    for (let p = offset; p < offset + imageSize; p++) images[p] = (images[p]! - mean) / std;
    labels[i * classes + split.labels[index]!] = 1;
  }
  return { images, labels, size };
}

/**
 * A batch of test images as they are, for evaluation and feature maps: no augmentation, so no
 * random numbers either (a run repeats exactly from its seed; nothing here may draw from Math.random).
 */
export function fillTestBatch(dataset: ImageDataset, split: ImageSplit, indices: ArrayLike<number>): BatchArrays {
  return fillBatch(dataset, split, indices, { rotate: 0, shift: 0 }, () => {
    throw new Error('test images are never augmented');
  });
}
