/**
 * A labelled image dataset, whatever it came from (IDX files, a folder of images): the trainer
 * only ever sees this interface.
 */

export interface ImageSplit {
  /** Number of images. */
  count: number;
  /** `count × height × width × channels` bytes, 0–255, channels last. */
  pixels: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
}

export interface ImageDataset {
  name: string;
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
  classNames: string[];
  train: ImageSplit;
  test: ImageSplit;
  /** Mean and standard deviation of the training pixels scaled to [0, 1]; inputs are normalised with them. */
  normalization: { mean: number; std: number };
}

/** The first `limit` images of each split, for quick runs and tests. */
export function limitDataset(dataset: ImageDataset, limit: number | undefined): ImageDataset {
  if (limit === undefined) return dataset;
  const cut = (split: ImageSplit): ImageSplit => {
    const count = Math.min(split.count, limit);
    const size = split.pixels.length / split.count;
    return { count, pixels: split.pixels.subarray(0, count * size), labels: split.labels.subarray(0, count) };
  };
  return { ...dataset, train: cut(dataset.train), test: cut(dataset.test) };
}

/** Mean and standard deviation of all pixels, scaled to [0, 1]. */
export function pixelStatistics(pixels: Uint8Array): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]! / 255;
    sum += v;
    squares += v * v;
  }
  const mean = sum / pixels.length;
  return { mean, std: Math.sqrt(Math.max(squares / pixels.length - mean * mean, 1e-12)) };
}
