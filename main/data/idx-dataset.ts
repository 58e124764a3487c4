/**
 * A dataset made of four IDX files (train and test images and labels), plain or gzipped, as
 * MNIST, Fashion-MNIST, KMNIST and EMNIST ship. The four together may hold at most
 * MAX_DATASET_BYTES; each file's header is checked against what is left before it is read.
 */
import { pixelStatistics, type ImageDataset, type ImageSplit } from './dataset.ts';
import { MAX_DATASET_BYTES } from './decode-limits.ts';
import { transposeImages } from './emnist.ts';
import { IdxFormatError } from './idx.ts';
import { readIdxFile } from './idx-file.ts';

export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

export interface IdxDatasetOptions {
  name: string;
  classNames?: string[];
  /** Known statistics (MNIST publishes its own); computed from the training images otherwise. */
  normalization?: { mean: number; std: number };
  /** The images are stored transposed, column by column (EMNIST); they are turned back. */
  transposed?: boolean;
  /** The label of the first class (EMNIST letters: 1); labels are shifted to start at 0. */
  firstLabel?: number;
}

export async function loadIdxDataset(files: IdxFiles, options: IdxDatasetOptions): Promise<ImageDataset> {
  const budget = { left: MAX_DATASET_BYTES };
  const train = await loadSplit(files.trainImages, files.trainLabels, budget);
  const test = await loadSplit(files.testImages, files.testLabels, budget);
  if (train.shape.join() !== test.shape.join()) {
    throw new IdxFormatError(`the training images are ${train.shape.join('×')} but the test images are ${test.shape.join('×')}`);
  }
  const firstLabel = options.firstLabel ?? 0;
  for (const [split, path] of [[train.split, files.trainLabels], [test.split, files.testLabels]] as const) {
    shiftLabels(split.labels, firstLabel, options.classNames?.length, path);
  }
  let shape = train.shape;
  if (options.transposed) {
    transposeImages(train.split.pixels, train.split.count, shape);
    transposeImages(test.split.pixels, test.split.count, shape);
    shape = [shape[1], shape[0], shape[2]];
  }
  const classes = Math.max(maxLabel(train.split.labels), maxLabel(test.split.labels)) + 1;
  const classNames = options.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
  return {
    name: options.name,
    shape,
    classNames,
    train: train.split,
    test: test.split,
    normalization: options.normalization ?? pixelStatistics(train.split.pixels),
  };
}

/** Reads one split's images and labels, each against what is left of the dataset's byte budget. */
async function loadSplit(imagesPath: string, labelsPath: string, budget: { left: number }): Promise<{ shape: [number, number, number]; split: ImageSplit }> {
  const images = await readIdxFile(imagesPath, budget.left);
  budget.left -= images.values.byteLength;
  const labels = await readIdxFile(labelsPath, budget.left);
  budget.left -= labels.values.byteLength;
  if (!(images.values instanceof Uint8Array) || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new IdxFormatError(`${imagesPath} should hold unsigned-byte images (count × height × width [× channels]), not ${images.dims.join('×')}`);
  }
  if (!(labels.values instanceof Uint8Array) || labels.dims.length !== 1) {
    throw new IdxFormatError(`${labelsPath} should hold one unsigned-byte label per image`);
  }
  const [count, height, width, channels = 1] = images.dims as [number, number, number, number?];
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(`${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.dims[0]} labels`);
  }
  return { shape: [height, width, channels], split: { count, pixels: images.values, labels: labels.values } };
}

/**
 * Moves labels `first … first + classes − 1` to `0 … classes − 1` in place; throws an
 * IdxFormatError naming the file for a label outside that range (any label below `first` when
 * the number of classes is not known).
 */
function shiftLabels(labels: Uint8Array, first: number, classes: number | undefined, path: string): void {
  const last = classes === undefined ? 255 : first + classes - 1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < first || label > last) {
      const range = classes === undefined ? `from ${first}` : `${first}–${last}`;
      throw new IdxFormatError(`${path} holds the label ${label} (image ${i}); the labels of this dataset run ${range}, one per class`);
    }
    labels[i] = label - first;
  }
}

function maxLabel(labels: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}
