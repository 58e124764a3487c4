/**
 * IDX files that lie about their size or are not what their name says: a gzip whose header
 * declares a terabyte, a gzip that inflates past its header, a damaged gzip, a FIFO, links. Every
 * refusal is one line that names the file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeLimitError, MAX_DATASET_BYTES } from '../../main/data/decode-limits.ts';
import { readIdxFile } from '../../main/data/idx-file.ts';
import { loadIdxFolder } from '../../main/data/idx-folder.ts';
import { gzippedIdx, idxBytes, tempFolder } from './image-fixtures.ts';

const LIMIT = `${(MAX_DATASET_BYTES / 1024 ** 3).toFixed(1)} GiB (${MAX_DATASET_BYTES.toLocaleString('en-US')} bytes)`;

/** A valid four-file IDX dataset of 2×2 images; `replace` swaps in other bytes for some files. */
function idxFolder(replace: Partial<Record<'train-images-idx3-ubyte.gz' | 'train-labels-idx1-ubyte' | 't10k-images-idx3-ubyte' | 't10k-labels-idx1-ubyte', Uint8Array>> = {}): string {
  const folder = tempFolder('idx-limits');
  const files = {
    'train-images-idx3-ubyte.gz': gzipSync(idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])),
    'train-labels-idx1-ubyte': idxBytes([2], [0, 1]),
    't10k-images-idx3-ubyte': idxBytes([1, 2, 2], [9, 9, 9, 9]),
    't10k-labels-idx1-ubyte': idxBytes([1], [1]),
    ...replace,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
  return folder;
}

const messageOf = (promise: Promise<unknown>) => promise.then(() => 'loaded', (error: Error) => error.message);

describe('gzipped IDX files', () => {
  it('refuses a header that declares a terabyte before inflating the rest, naming the file, the size and the limit', async () => {
    const folder = idxFolder({ 'train-images-idx3-ubyte.gz': gzippedIdx([1_000_000, 1000, 1000], new Uint8Array(100)) });
    const path = join(folder, 'train-images-idx3-ubyte.gz');
    const error = await loadIdxFolder(folder).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect((error as Error).message).toBe(`${path} declares 1000000×1000×1000 unsigned bytes (931.3 GiB (1,000,000,000,000 bytes)), over the limit of ${LIMIT} for a dataset`);
  });

  it('stops a gzip that inflates past what its header declares (a decompression bomb)', async () => {
    // 12 bytes declared, 64 MiB of zeros behind them: about 64 KB on disk.
    const bomb = gzippedIdx([3, 2, 2], new Uint8Array(64 * 1024 ** 2));
    expect(bomb.length).toBeLessThan(100_000);
    const folder = idxFolder({ 'train-images-idx3-ubyte.gz': bomb });
    const path = join(folder, 'train-images-idx3-ubyte.gz');
    expect(await messageOf(loadIdxFolder(folder))).toBe(`${path} inflates to more than the 28 bytes its IDX header declares`);
  });

  it('counts every file against one budget for the dataset', async () => {
    const folder = tempFolder('idx-budget');
    const path = join(folder, 'labels.gz');
    writeFileSync(path, gzipSync(idxBytes([200], new Array(200).fill(1))));
    expect(await messageOf(readIdxFile(path, 150))).toBe(`${path} declares 200 unsigned bytes (200 bytes), over the 150 bytes left of the ${LIMIT} limit for a dataset`);
    expect((await readIdxFile(path, 200)).dims).toEqual([200]);
  });

  it('names the file of a damaged gzip, in one line', async () => {
    const whole = gzipSync(idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    const folder = idxFolder({ 'train-images-idx3-ubyte.gz': whole.subarray(0, whole.length - 12) });
    const message = await messageOf(loadIdxFolder(folder));
    expect(message).toBe(`${join(folder, 'train-images-idx3-ubyte.gz')} does not decompress (unexpected end of file): the gzip file is damaged or cut short`);
  });

  it('still loads a valid gzipped file', async () => {
    const dataset = await loadIdxFolder(idxFolder());
    expect([...dataset.train.pixels]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('what an IDX folder holds', () => {
  it('refuses a FIFO named like an IDX file by its type instead of waiting on it', async () => {
    const folder = idxFolder();
    rmSync(join(folder, 't10k-labels-idx1-ubyte'));
    execFileSync('mkfifo', [join(folder, 't10k-labels-idx1-ubyte')]);
    expect(await messageOf(loadIdxFolder(folder))).toBe(
      `the IDX folder ${folder} lacks t10k-labels-idx1-ubyte[.gz] (3 of the 4 IDX files found); t10k-labels-idx1-ubyte is a FIFO (named pipe), not a regular file`,
    );
    // A link to a FIFO passes the listing; the read refuses it by its type.
    rmSync(join(folder, 't10k-labels-idx1-ubyte'));
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    symlinkSync(join(folder, 'pipe'), join(folder, 't10k-labels-idx1-ubyte'));
    expect(await messageOf(loadIdxFolder(folder))).toBe(`${join(folder, 't10k-labels-idx1-ubyte')}: cannot read it: it is a FIFO (named pipe), not a regular file`);
  });

  it('follows links that stay inside the folder and refuses, by name, one that leads outside it', async () => {
    const outside = idxFolder();
    const folder = tempFolder('idx-links');
    mkdirSync(join(folder, 'data'));
    writeFileSync(join(folder, 'data', 'train-labels'), idxBytes([2], [0, 1]));
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    symlinkSync(join(folder, 'data', 'train-labels'), join(folder, 'train-labels-idx1-ubyte'));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 2], [9, 9, 9, 9]));
    symlinkSync(join(outside, 't10k-labels-idx1-ubyte'), join(folder, 't10k-labels-idx1-ubyte'));
    expect(await messageOf(loadIdxFolder(folder))).toMatch(
      new RegExp(`^${join(folder, 't10k-labels-idx1-ubyte')} is a symbolic link that leads outside the dataset folder .* \\(to .*t10k-labels-idx1-ubyte\\); it is not followed$`),
    );
    writeFileSync(join(folder, 'data', 'test-labels'), idxBytes([1], [1]));
    execFileSync('ln', ['-sfn', join(folder, 'data', 'test-labels'), join(folder, 't10k-labels-idx1-ubyte')]);
    const dataset = await loadIdxFolder(folder);
    expect([...dataset.train.labels]).toEqual([0, 1]);
    expect([...dataset.test.labels]).toEqual([1]);
  });
});
