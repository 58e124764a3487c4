/**
 * A dataset from a folder of PNG/JPEG images, one sub-folder per class:
 *
 *     folder/train/<class>/*.png   and   folder/test/<class>/*.png      (explicit split)
 *     folder/<class>/*.png                                              (no split)
 *
 * Without a split, every sixth image of each class in sorted file-name order (the 6th, 12th, …)
 * is held out for test: 1/6, the same on every run. Images are resized to `size` (default: the
 * size of the first image) and kept RGB, or averaged to one grey channel with `grayscale`.
 * Files that are not PNG/JPEG, are empty, do not decode or declare more pixels than
 * MAX_IMAGE_PIXELS are skipped and reported, not fatal; so are links that lead out of the folder
 * (image-folder-listing.ts). A dataset whose images would take more than MAX_DATASET_BYTES at the
 * chosen size is refused before any image is resampled.
 */
import { basename, extname } from 'node:path';
import { formatShape } from '../analysis/format.ts';
import { pixelStatistics, type ImageDataset, type ImageSplit } from './dataset.ts';
import { DecodeLimitError, describeBytes, MAX_DATASET_BYTES, MAX_IMAGE_FILE_BYTES } from './decode-limits.ts';
import { decodeImage, resampleImage } from './image-decode.ts';
import { ImageFolderError, listImageFolder, type SkippedFile } from './image-folder-listing.ts';
import { readDataFile } from './read-data-file.ts';

export { ImageFolderError, type SkippedFile };

export interface ImageFolderOptions {
  /** [height, width] of the dataset's images; default: the first image's size. */
  size?: [number, number];
  /** Average the colour channels into one. */
  grayscale?: boolean;
  /** Dataset name; default: the folder's name. */
  name?: string;
}

export interface ImageFolderResult {
  dataset: ImageDataset;
  skipped: SkippedFile[];
}

export const MAX_CLASSES = 256;
const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const HOLD_OUT_EVERY = 6;

export async function loadImageFolder(folder: string, options: ImageFolderOptions = {}): Promise<ImageFolderResult> {
  const { split, train: trainList, test: testList, skipped } = await listImageFolder(folder);
  const classNames = [...new Set([...trainList.keys(), ...testList.keys()])].sort();
  if (classNames.length === 0) {
    throw new ImageFolderError(`${split ? `${folder}/train` : folder} has no class sub-folders; put each class's images in a sub-folder named after it`);
  }
  if (classNames.length > MAX_CLASSES) {
    throw new ImageFolderError(`${folder} has ${classNames.length} class sub-folders; at most ${MAX_CLASSES} are supported`);
  }

  const channels = options.grayscale ? 1 : 3;
  let size = options.size;
  if (size && !(size[0] >= 1 && size[1] >= 1 && Number.isInteger(size[0]) && Number.isInteger(size[1]))) {
    throw new ImageFolderError(`the image size ${size.join('×')} for ${folder} must be two positive whole numbers`);
  }
  const isImage = (path: string) => EXTENSIONS.has(extname(path).toLowerCase());
  const imagesPerClass = (list: Map<string, string[]>) => [...list.values()].map((files) => files.filter(isImage).length);
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const [trainFiles, testFiles] = [sum(imagesPerClass(trainList)), sum(imagesPerClass(testList))];
  // The most images each split can receive, so that each is allocated once, at its final size.
  const heldOut = split ? 0 : sum(imagesPerClass(trainList).map((n) => Math.floor(n / HOLD_OUT_EVERY)));
  const train = new SplitBuilder(trainFiles - heldOut);
  const test = new SplitBuilder(testFiles + heldOut);
  /** Called once the image size is known: the whole dataset must fit the limit before any of it is allocated. */
  const fix = (shape: [number, number]) => {
    checkDatasetBytes(folder, trainFiles + testFiles, [shape[0], shape[1], channels], !options.size);
    return shape;
  };
  if (size) fix(size);
  for (const [label, className] of classNames.entries()) {
    let kept = 0;
    for (const path of trainList.get(className) ?? []) {
      const image = await readImage(path, skipped);
      if (!image) continue;
      size ??= fix([image.height, image.width]);
      const pixels = resampleImage(image, size[0], size[1], channels);
      kept++;
      (!split && kept % HOLD_OUT_EVERY === 0 ? test : train).add(pixels, label);
    }
    for (const path of testList.get(className) ?? []) {
      const image = await readImage(path, skipped);
      if (!image) continue;
      size ??= fix([image.height, image.width]);
      test.add(resampleImage(image, size[0], size[1], channels), label);
    }
  }
  if (!size || train.count === 0) {
    throw new ImageFolderError(`${folder} holds no training images that could be read (${skipped.length} files skipped)`);
  }
  const trainSplit = train.build();
  return {
    dataset: {
      name: options.name ?? basename(folder),
      shape: [size[0], size[1], channels],
      classNames,
      train: trainSplit,
      test: test.build(),
      normalization: pixelStatistics(trainSplit.pixels),
    },
    skipped,
  };
}

/**
 * Refuses a dataset whose images, all decoded at `shape`, would pass MAX_DATASET_BYTES. `fromFirst`:
 * the shape is the first image's own, so asking for a smaller one is the way out.
 */
function checkDatasetBytes(folder: string, count: number, shape: [number, number, number], fromFirst: boolean): void {
  const bytes = count * shape[0] * shape[1] * shape[2];
  if (bytes <= MAX_DATASET_BYTES) return;
  throw new DecodeLimitError(
    `${folder} has ${count} images, which at ${formatShape(shape)}${fromFirst ? ' (the size of its first image)' : ''} would take ${describeBytes(bytes)}, ` +
      `over the limit of ${describeBytes(MAX_DATASET_BYTES)} for a dataset; ask for a smaller size with ?size=HxW`,
  );
}

/** The decoded image, or undefined after recording why the file is skipped. */
async function readImage(path: string, skipped: SkippedFile[]) {
  if (!EXTENSIONS.has(extname(path).toLowerCase())) {
    skipped.push({ path, reason: 'not a .png, .jpg or .jpeg file' });
    return undefined;
  }
  try {
    return decodeImage(await readDataFile(path, MAX_IMAGE_FILE_BYTES));
  } catch (error) {
    skipped.push({ path, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    return undefined;
  }
}

/** One split's images, written into one buffer allocated for `capacity` images when the first arrives. */
class SplitBuilder {
  private pixels = new Uint8Array(0);
  private labels: Uint8Array;
  private size = 0;
  count = 0;
  constructor(private readonly capacity: number) {
    this.labels = new Uint8Array(capacity);
  }
  add(pixels: Uint8Array, label: number): void {
    if (this.count === 0) {
      this.size = pixels.length;
      this.pixels = new Uint8Array(this.capacity * this.size);
    }
    this.pixels.set(pixels, this.count * this.size);
    this.labels[this.count++] = label;
  }
  build(): ImageSplit {
    return { count: this.count, pixels: this.pixels.subarray(0, this.count * this.size), labels: this.labels.subarray(0, this.count) };
  }
}
