/**
 * EMNIST as its files are laid out (Cohen et al. 2017): images stored transposed, column by
 * column, and the letters split labelled 1–26. The fixtures are written here the way EMNIST
 * writes them: each "true" image (as a person would see it) is transposed before it is stored.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findIdxFiles, loadIdxFolder } from '../../main/data/idx-folder.ts';
import { idxBytes, tempFolder } from './image-fixtures.ts';

/** Two 3-row × 4-column images as seen, row by row: an "L" in the first, a diagonal in the second. */
const SEEN = [
  [
    [9, 0, 0, 0],
    [9, 0, 0, 0],
    [9, 9, 9, 9],
  ],
  [
    [5, 0, 0, 0],
    [0, 5, 0, 0],
    [0, 0, 5, 0],
  ],
];

/** How EMNIST stores an image: its columns one after another (the transpose, 4 rows of 3). */
const stored = (image: number[][]) => image[0]!.map((_, column) => image.map((row) => row[column]!)).flat();

function emnistFolder(split: string, trainLabels: number[], testLabels: number[], options: { gzip?: boolean; names?: 'emnist' | 'mnist' } = {}): string {
  const folder = tempFolder(`emnist-${split}`);
  const name = (set: 'train' | 'test', kind: 'images-idx3' | 'labels-idx1') =>
    options.names === 'mnist' ? `${set === 'test' ? 't10k' : 'train'}-${kind}-ubyte` : `emnist-${split}-${set}-${kind}-ubyte${options.gzip ? '.gz' : ''}`;
  const write = (file: string, bytes: Uint8Array) => writeFileSync(join(folder, file), options.gzip ? gzipSync(bytes) : bytes);
  const images = (count: number) => idxBytes([count, 4, 3], Array.from({ length: count }, (_, i) => stored(SEEN[i % 2]!)).flat());
  write(name('train', 'images-idx3'), images(trainLabels.length));
  write(name('train', 'labels-idx1'), idxBytes([trainLabels.length], trainLabels));
  write(name('test', 'images-idx3'), images(testLabels.length));
  write(name('test', 'labels-idx1'), idxBytes([testLabels.length], testLabels));
  return folder;
}

describe('EMNIST', () => {
  it('turns the stored images back the right way round', async () => {
    const dataset = await loadIdxFolder(emnistFolder('digits', [3, 7], [0], { gzip: true }));
    expect(dataset.shape).toEqual([3, 4, 1]);
    expect([...dataset.train.pixels]).toEqual([...SEEN[0]!.flat(), ...SEEN[1]!.flat()]);
    expect([...dataset.test.pixels]).toEqual(SEEN[0]!.flat());
    expect(dataset.classNames).toEqual([...'0123456789']);
    expect([...dataset.train.labels]).toEqual([3, 7]);
  });

  it('leaves the same files under MNIST names as they are: EMNIST is told by its file names', async () => {
    const dataset = await loadIdxFolder(emnistFolder('digits', [3, 7], [0], { names: 'mnist' }));
    expect(dataset.shape).toEqual([4, 3, 1]);
    expect([...dataset.test.pixels]).toEqual(stored(SEEN[0]!));
  });

  it('maps the letters split\'s labels 1–26 to 26 classes a–z, with no empty class', async () => {
    const dataset = await loadIdxFolder(emnistFolder('letters', [1, 26, 13], [2]));
    expect(dataset.classNames).toEqual([...'abcdefghijklmnopqrstuvwxyz']);
    expect([...dataset.train.labels]).toEqual([0, 25, 12]);
    expect([...dataset.test.labels]).toEqual([1]);
  });

  it('refuses a letters label outside 1–26, naming the file', async () => {
    const folder = emnistFolder('letters', [1, 2], [0]);
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${join(folder, 'emnist-letters-test-labels-idx1-ubyte')} holds the label 0 (image 0); the labels of this dataset run 1–26, one per class`,
    );
  });

  it.each([
    ['byclass', 62, { 0: '0', 10: 'A', 35: 'Z', 36: 'a', 61: 'z' }],
    ['bymerge', 47, { 9: '9', 10: 'A', 36: 'a', 38: 'd', 43: 'n', 46: 't' }],
    ['balanced', 47, { 35: 'Z', 37: 'b', 44: 'q', 45: 'r' }],
    ['mnist', 10, { 0: '0', 9: '9' }],
  ])('names the classes of the %s split by their characters', async (split, count, some) => {
    const dataset = await loadIdxFolder(emnistFolder(split, [0, count - 1], [1]));
    expect(dataset.classNames).toHaveLength(count);
    for (const [label, character] of Object.entries(some)) expect(dataset.classNames[Number(label)]).toBe(character);
  });

  it('transposes a split it does not know and names its classes by label', async () => {
    const dataset = await loadIdxFolder(emnistFolder('future', [0, 2], [1]));
    expect(dataset.shape).toEqual([3, 4, 1]);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
  });

  it('refuses a folder holding several splits rather than pick one of them', async () => {
    const folder = emnistFolder('letters', [1], [1]);
    const other = emnistFolder('digits', [1], [1]);
    for (const set of ['train', 'test']) {
      for (const kind of ['images-idx3', 'labels-idx1']) {
        const name = `emnist-digits-${set}-${kind}-ubyte`;
        copyFileSync(join(other, name), join(folder, name));
      }
    }
    await expect(findIdxFiles(folder)).rejects.toThrow(
      `the IDX folder ${folder} holds the files of 2 datasets (emnist-digits-*-*-idx*-ubyte, emnist-letters-*-*-idx*-ubyte); put each in a folder of its own and name that one`,
    );
  });
});
