import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findIdxFiles, IdxFolderError, loadIdxFolder } from '../../main/data/idx-folder.ts';
import { idxBytes, tempFolder } from './image-fixtures.ts';

/** Writes a 3-train/2-test IDX dataset of 2×2 images under the given file names. */
function writeIdxFolder(names: { trainImages?: string; trainLabels?: string; testImages?: string; testLabels?: string }, gzip = false) {
  const folder = tempFolder('idx');
  const write = (name: string | undefined, bytes: Uint8Array) => {
    if (name) writeFileSync(join(folder, name), gzip ? gzipSync(bytes) : bytes);
  };
  write(names.trainImages, idxBytes([3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 10)));
  write(names.trainLabels, idxBytes([3], [0, 1, 2]));
  write(names.testImages, idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
  write(names.testLabels, idxBytes([2], [2, 0]));
  writeFileSync(join(folder, 'README.txt'), 'not data');
  return folder;
}

const MNIST_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

describe('IDX folder', () => {
  it('finds and loads the MNIST-style plain files', async () => {
    const folder = writeIdxFolder(MNIST_NAMES);
    const dataset = await loadIdxFolder(folder, 'tiny');
    expect(dataset.name).toBe('tiny');
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    expect(dataset.train.count).toBe(3);
    expect([...dataset.test.labels]).toEqual([2, 0]);
    expect([...dataset.test.pixels]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('finds gzipped files', async () => {
    const gz = Object.fromEntries(Object.entries(MNIST_NAMES).map(([k, v]) => [k, `${v}.gz`]));
    const folder = writeIdxFolder(gz, true);
    expect((await findIdxFiles(folder)).trainImages).toBe(join(folder, 'train-images-idx3-ubyte.gz'));
    const dataset = await loadIdxFolder(folder);
    expect([...dataset.train.labels]).toEqual([0, 1, 2]);
  });

  it('finds EMNIST-style names with test instead of t10k', async () => {
    const folder = writeIdxFolder({
      trainImages: 'emnist-digits-train-images-idx3-ubyte',
      trainLabels: 'emnist-digits-train-labels-idx1-ubyte',
      testImages: 'emnist-digits-test-images-idx3-ubyte',
      testLabels: 'emnist-digits-test-labels-idx1-ubyte',
    });
    const files = await findIdxFiles(folder);
    expect(files.testLabels).toBe(join(folder, 'emnist-digits-test-labels-idx1-ubyte'));
    expect((await loadIdxFolder(folder)).test.count).toBe(2);
  });

  it('lists the missing files and names the folder', async () => {
    const folder = writeIdxFolder({ trainImages: MNIST_NAMES.trainImages, testLabels: MNIST_NAMES.testLabels });
    const error = await findIdxFiles(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdxFolderError);
    expect((error as Error).message).toContain(folder);
    expect((error as Error).message).toContain('train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]');
    expect((error as Error).message).not.toContain('train-images');
  });

  it('says when the folder does not exist', async () => {
    await expect(findIdxFiles('/no/such/folder')).rejects.toThrow('/no/such/folder');
  });
});
