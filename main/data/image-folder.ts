/**
 * A dataset from a folder of PNG/JPEG images, one sub-folder per class:
 *
 *     folder/train/<class>/*.png   and   folder/test/<class>/*.png      (explicit split)
 *     folder/<class>/*.png                                              (no split)
 *
 * Without a split, every sixth image of each class in sorted file-name order (the 6th, 12th, …)
 * is held out for test: 1/6, the same on every run. Images are resized to `size` (default: the
 * size of the first image) and kept RGB, or averaged to one grey channel with `grayscale`.
 * Files that are not PNG/JPEG, are empty or do not decode are skipped and reported, not fatal.
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { describeFileType, readRegularFile } from '../files/regular-file.ts';
import { pixelStatistics, type ImageDataset, type ImageSplit } from './dataset.ts';
import { decodeImage, resampleImage } from './image-decode.ts';

export class ImageFolderError extends StudioError {
  override name = 'ImageFolderError';
}

export interface ImageFolderOptions {
  /** [height, width] of the dataset's images; default: the first image's size. */
  size?: [number, number];
  /** Average the colour channels into one. */
  grayscale?: boolean;
  /** Dataset name; default: the folder's name. */
  name?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImageFolderResult {
  dataset: ImageDataset;
  skipped: SkippedFile[];
}

export const MAX_CLASSES = 256;
const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const HOLD_OUT_EVERY = 6;

type Listing = Map<string, string[]>; // class name → sorted file paths

export async function loadImageFolder(folder: string, options: ImageFolderOptions = {}): Promise<ImageFolderResult> {
  const top = await subfolders(folder);
  const split = top.includes('train') && top.includes('test');
  const skipped: SkippedFile[] = [];
  const trainList = await listClasses(split ? join(folder, 'train') : folder, skipped);
  const testList: Listing = split ? await listClasses(join(folder, 'test'), skipped) : new Map();
  const classNames = [...new Set([...trainList.keys(), ...testList.keys()])].sort();
  if (classNames.length === 0) {
    throw new ImageFolderError(`${split ? join(folder, 'train') : folder} has no class sub-folders; put each class's images in a sub-folder named after it`);
  }
  if (classNames.length > MAX_CLASSES) {
    throw new ImageFolderError(`${folder} has ${classNames.length} class sub-folders; at most ${MAX_CLASSES} are supported`);
  }

  const channels = options.grayscale ? 1 : 3;
  let size = options.size;
  if (size && !(size[0] >= 1 && size[1] >= 1 && Number.isInteger(size[0]) && Number.isInteger(size[1]))) {
    throw new ImageFolderError(`the image size ${size.join('×')} for ${folder} must be two positive whole numbers`);
  }
  const train = new SplitBuilder();
  const test = new SplitBuilder();
  for (const [label, className] of classNames.entries()) {
    let kept = 0;
    for (const path of trainList.get(className) ?? []) {
      const image = await readImage(path, skipped);
      if (!image) continue;
      size ??= [image.height, image.width];
      const pixels = resampleImage(image, size[0], size[1], channels);
      kept++;
      (!split && kept % HOLD_OUT_EVERY === 0 ? test : train).add(pixels, label);
    }
    for (const path of testList.get(className) ?? []) {
      const image = await readImage(path, skipped);
      if (!image) continue;
      size ??= [image.height, image.width];
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

async function subfolders(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    throw new ImageFolderError(`cannot read the image folder ${folder}: it does not exist or is not a folder`);
  }
}

/**
 * Each class sub-folder's image files. A class folder that cannot be read, and a FIFO, socket or
 * device among the images, are skipped with the reason (never opened: a FIFO would block the read
 * for ever); one bad entry does not fail the dataset.
 */
async function listClasses(folder: string, skipped: SkippedFile[]): Promise<Listing> {
  const listing: Listing = new Map();
  for (const name of await subfolders(folder)) {
    if (name.startsWith('.')) continue;
    let entries;
    try {
      entries = await readdir(join(folder, name), { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: join(folder, name), reason: `the class folder cannot be read: ${describeFsError(error)}` });
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() || entry.name.startsWith('.')) continue;
      skipped.push({ path: join(folder, name, entry.name), reason: `${describeFileType(entry)}, not an image file` });
    }
    const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
    listing.set(name, files.map((f) => join(folder, name, f)));
  }
  return listing;
}

/** The decoded image, or undefined after recording why the file is skipped. */
async function readImage(path: string, skipped: SkippedFile[]) {
  if (!EXTENSIONS.has(extname(path).toLowerCase())) {
    skipped.push({ path, reason: 'not a .png, .jpg or .jpeg file' });
    return undefined;
  }
  try {
    return decodeImage(await readRegularFile(path));
  } catch (error) {
    skipped.push({ path, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    return undefined;
  }
}

class SplitBuilder {
  private images: Uint8Array[] = [];
  private labels: number[] = [];
  get count(): number {
    return this.images.length;
  }
  add(pixels: Uint8Array, label: number): void {
    this.images.push(pixels);
    this.labels.push(label);
  }
  build(): ImageSplit {
    const size = this.images[0]?.length ?? 0;
    const pixels = new Uint8Array(this.count * size);
    this.images.forEach((image, i) => pixels.set(image, i * size));
    return { count: this.count, pixels, labels: Uint8Array.from(this.labels) };
  }
}
