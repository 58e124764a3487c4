/**
 * A dataset made of four IDX files (train and test images and labels), plain or gzipped, as
 * MNIST, Fashion-MNIST, KMNIST and EMNIST ship.
 */
import { gunzipSync } from 'node:zlib';
import { readNamedFile } from '../files/regular-file.ts';
import { pixelStatistics, type ImageDataset, type ImageSplit } from './dataset.ts';
import { IdxFormatError, parseIdx } from './idx.ts';

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
}

export async function loadIdxDataset(files: IdxFiles, options: IdxDatasetOptions): Promise<ImageDataset> {
  const [train, test] = await Promise.all([
    loadSplit(files.trainImages, files.trainLabels),
    loadSplit(files.testImages, files.testLabels),
  ]);
  if (train.shape.join() !== test.shape.join()) {
    throw new IdxFormatError(`the training images are ${train.shape.join('×')} but the test images are ${test.shape.join('×')}`);
  }
  const classes = Math.max(maxLabel(train.split.labels), maxLabel(test.split.labels)) + 1;
  const classNames = options.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
  if (classNames.length < classes) {
    throw new IdxFormatError(`the labels go up to ${classes - 1} but only ${classNames.length} class names are given`);
  }
  return {
    name: options.name,
    shape: train.shape,
    classNames,
    train: train.split,
    test: test.split,
    normalization: options.normalization ?? pixelStatistics(train.split.pixels),
  };
}

async function loadSplit(imagesPath: string, labelsPath: string): Promise<{ shape: [number, number, number]; split: ImageSplit }> {
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
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

async function readIdx(path: string) {
  let bytes: Uint8Array = await readNamedFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return parseIdx(bytes, path);
}

function maxLabel(labels: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}
