import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_AUGMENTATION } from '../../main/data/augment.ts';
import { fillBatch } from '../../main/data/batches.ts';
import { parseDatasetName } from '../../main/data/dataset-name.ts';
import { DATASET_FORMS, loadDataset, openDataset, UnknownDatasetError } from '../../main/data/datasets.ts';
import { resampleImage } from '../../main/data/image-decode.ts';
import { ImageFolderError, loadImageFolder } from '../../main/data/image-folder.ts';
import { inspectDataset } from '../../main/data/inspect.ts';
import { seededRandom } from '../../main/data/random.ts';
import { idxBytes, solid, tempFolder, writeJpeg, writePng, writeText, writeTruncatedPng } from './image-fixtures.ts';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];

/** train/{cat,dog} and test/{cat,dog}, with a corrupt PNG, an empty PNG and a text file to skip. */
function splitFolder(): string {
  const folder = tempFolder('images');
  writePng(join(folder, 'train/cat/a.png'), 4, 4, solid(4, 4, RED));
  writePng(join(folder, 'train/cat/b.png'), 8, 8, solid(8, 8, RED));
  writeJpeg(join(folder, 'train/cat/c.jpg'), 8, 8, solid(8, 8, [128, 128, 128]));
  writeTruncatedPng(join(folder, 'train/cat/bad.png'));
  writeText(join(folder, 'train/cat/notes.txt'), 'a cat');
  writePng(join(folder, 'train/dog/a.png'), 4, 4, solid(4, 4, BLUE));
  writeText(join(folder, 'train/dog/empty.png'), '');
  writePng(join(folder, 'test/cat/x.png'), 4, 4, solid(4, 4, RED));
  writePng(join(folder, 'test/dog/y.png'), 6, 2, solid(6, 2, BLUE));
  return folder;
}

/** Class folders directly: `a` with 12 grey images, `b` with 7; image i has grey level 10·i. */
function flatFolder(): string {
  const folder = tempFolder('flat');
  for (const [name, n] of [['a', 12], ['b', 7]] as const) {
    for (let i = 0; i < n; i++) {
      const file = join(folder, name, `${name}${String(i).padStart(2, '0')}.png`);
      writePng(file, 3, 3, solid(3, 3, [10 * i, 10 * i, 10 * i]));
    }
  }
  return folder;
}

describe('image folder', () => {
  it('loads train/test class folders at the first image size, RGB, and lists the skipped files', async () => {
    const folder = splitFolder();
    const { dataset, skipped } = await loadImageFolder(folder);
    expect(dataset.name).toBe(folder.split('/').pop());
    expect(dataset.shape).toEqual([4, 4, 3]);
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(dataset.train.count).toBe(4);
    expect([...dataset.train.labels]).toEqual([0, 0, 0, 1]);
    expect(dataset.train.pixels.length).toBe(4 * 4 * 4 * 3);
    expect([...dataset.train.pixels.subarray(0, 3)]).toEqual(RED);
    expect([...dataset.train.pixels.subarray(48, 51)]).toEqual(RED); // 8×8 resized to 4×4
    const jpegPixel = [...dataset.train.pixels.subarray(96, 99)];
    jpegPixel.forEach((v) => expect(Math.abs(v - 128)).toBeLessThanOrEqual(3));
    expect([...dataset.train.pixels.subarray(144, 147)]).toEqual(BLUE);
    expect(dataset.test.count).toBe(2);
    expect([...dataset.test.labels]).toEqual([0, 1]);
    expect(skipped.map((s) => s.path.slice(folder.length + 1)).sort()).toEqual(['train/cat/bad.png', 'train/cat/notes.txt', 'train/dog/empty.png']);
    expect(skipped.find((s) => s.path.endsWith('notes.txt'))!.reason).toContain('not a .png');
    expect(skipped.find((s) => s.path.endsWith('empty.png'))!.reason).toContain('empty');
    expect(skipped.find((s) => s.path.endsWith('bad.png'))!.reason).toContain('PNG does not decode');
  });

  it('resizes to the asked size and averages to grey', async () => {
    const { dataset } = await loadImageFolder(splitFolder(), { size: [2, 3], grayscale: true });
    expect(dataset.shape).toEqual([2, 3, 1]);
    expect(dataset.train.pixels.length).toBe(4 * 6);
    expect([...dataset.train.pixels.subarray(0, 6)]).toEqual([85, 85, 85, 85, 85, 85]);
    expect(dataset.test.pixels.length).toBe(2 * 6);
  });

  it('samples bilinearly at pixel centres', () => {
    const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) };
    expect([...resampleImage(image, 1, 4, 1)]).toEqual([0, 64, 191, 255]);
    expect([...resampleImage(image, 2, 1, 3)]).toEqual([128, 128, 128, 128, 128, 128]);
  });

  it('holds out every sixth image per class, by sorted file name, without a train/test split', async () => {
    const { dataset, skipped } = await loadImageFolder(flatFolder(), { grayscale: true });
    expect(skipped).toEqual([]);
    expect(dataset.shape).toEqual([3, 3, 1]);
    expect(dataset.train.count).toBe(10 + 6);
    expect(dataset.test.count).toBe(2 + 1);
    expect([...dataset.test.labels]).toEqual([0, 0, 1]);
    const firstPixels = (split: typeof dataset.test) => Array.from({ length: split.count }, (_, i) => split.pixels[i * 9]);
    expect(firstPixels(dataset.test)).toEqual([50, 110, 50]);
    expect(firstPixels(dataset.train)).not.toContain(110);
    const again = await loadImageFolder(flatFolder(), { grayscale: true });
    expect([...again.dataset.test.pixels]).toEqual([...dataset.test.pixels]);
  });

  it('names the folder when it is missing, has no classes or no readable images', async () => {
    await expect(loadImageFolder('/no/such/images')).rejects.toThrow('/no/such/images');
    const empty = tempFolder('empty');
    await expect(loadImageFolder(empty)).rejects.toThrow(ImageFolderError);
    const junk = tempFolder('junk');
    writeText(join(junk, 'cat/readme.txt'), 'x');
    await expect(loadImageFolder(junk)).rejects.toThrow(`${junk} holds no training images that could be read (1 files skipped)`);
  });
});

describe('inspectDataset', () => {
  it('counts each class per split and keeps a few training images per class', async () => {
    const { dataset } = await loadImageFolder(flatFolder(), { size: [2, 2] });
    const summary = inspectDataset(dataset, { previewPerClass: 4 });
    expect(summary.shape).toEqual([2, 2, 3]);
    expect(summary.counts).toEqual([
      { className: 'a', train: 10, test: 2 },
      { className: 'b', train: 6, test: 1 },
    ]);
    expect(summary.preview.map((p) => p.images.length)).toEqual([4, 4]);
    expect(summary.preview[0]!.images[1]).toEqual(new Array(12).fill(10));
    expect(inspectDataset(dataset).preview[1]!.images.length).toBe(6);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('dataset registry', () => {
  it('loads images:<folder> with options into a dataset fillBatch can batch', async () => {
    const folder = splitFolder();
    const { dataset, skipped } = await openDataset(`images:${folder}?size=5x5&grayscale=1`);
    expect(skipped).toHaveLength(3);
    expect(dataset.shape).toEqual([5, 5, 1]);
    const batch = fillBatch(dataset, dataset.train, [3, 0], NO_AUGMENTATION, seededRandom(1));
    expect(batch.size).toBe(2);
    expect(batch.images.length).toBe(2 * 25);
    expect([...batch.labels]).toEqual([0, 1, 1, 0]);
    expect(batch.images.every(Number.isFinite)).toBe(true);
    expect((await loadDataset(`images:${folder}`)).shape).toEqual([4, 4, 3]);
  });

  it('loads idx:<folder>', async () => {
    const folder = tempFolder('idx-reg');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idxBytes([1], [1]));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 2], [4, 3, 2, 1]));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), idxBytes([1], [0]));
    const dataset = await loadDataset(`idx:${folder}`);
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(dataset.classNames).toEqual(['0', '1']);
  });

  it('rejects unknown names and bad options, listing what it accepts', () => {
    expect(() => loadDataset('cifar')).toThrow(UnknownDatasetError);
    expect(() => loadDataset('cifar')).toThrow(DATASET_FORMS.join(', '));
    expect(DATASET_FORMS).toContain('mnist');
    expect(() => parseDatasetName('images:/x?size=big')).toThrow('HEIGHTxWIDTH');
    expect(() => parseDatasetName('images:/x?colour=1')).toThrow('unknown option "colour"');
    expect(parseDatasetName('images:/x/y?size=28x32&grayscale=1')).toEqual({ kind: 'images', folder: '/x/y', options: { size: [28, 32], grayscale: true } });
  });
});
