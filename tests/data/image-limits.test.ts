/**
 * Decompression and header bombs in image datasets: a file's declared size is checked before the
 * decoder allocates for it, and a whole dataset's size before its images are resampled. The
 * attack folder is tests/fixtures/attacks/png-header-bomb, a copy of the hostile probe's input:
 * a 69-byte PNG that declares 10,000×10,000 pixels beside twelve small ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeLimitError, MAX_DATASET_BYTES, MAX_IMAGE_PIXELS } from '../../main/data/decode-limits.ts';
import { decodeImage } from '../../main/data/image-decode.ts';
import { loadImageFolder } from '../../main/data/image-folder.ts';
import { REPO } from '../support/cli.ts';
import { handmadePng, jpegDeclaring, solid, syntheticJpeg, tempFolder, writeBytes, writePng } from './image-fixtures.ts';

const BOMB_FOLDER = join(REPO, 'tests/fixtures/attacks/png-header-bomb');
const BOMB = join(BOMB_FOLDER, 'a/000-big.png');

/** The error `decodeImage` throws for `bytes`, or undefined when it decodes. */
function decodeError(bytes: Uint8Array): Error | undefined {
  try {
    decodeImage(bytes);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

describe('declared image sizes', () => {
  it('refuses the 69-byte PNG that declares 10,000×10,000 pixels, naming its size and the limit', () => {
    const bytes = readFileSync(BOMB);
    expect(bytes.length).toBe(69);
    const error = decodeError(bytes);
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect(error!.message).toBe('the PNG declares 10000×10000 pixels (100 megapixels), over the limit of 25 megapixels per image; shrink it first');
  });

  it('refuses a JPEG whose frame header declares more than the limit, before jpeg-js allocates for it', () => {
    const error = decodeError(jpegDeclaring([60_000, 50_000]));
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect(error!.message).toContain('the JPEG declares 60000×50000 pixels (3,000 megapixels), over the limit of 25 megapixels');
    // jpeg-js's own guards would have said "maxResolutionInMP limit exceeded": the header check came first.
    expect(error!.message).not.toContain('maxResolutionInMP');
  });

  it('refuses a PNG whose declared pixels its bytes cannot hold even at deflate\'s best ratio', () => {
    // 4,000×4,000 grey is 16 megapixels, within the limit, but 16 MB of rows cannot come out of 70 bytes.
    const png = handmadePng({ width: 4000, height: 4000, idat: deflateSync(new Uint8Array(10)) });
    const error = decodeError(png);
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect(error!.message).toBe(`the PNG declares 4000×4000 pixels (16 megapixels), which its ${png.length} bytes cannot hold (deflate expands at most 1032-fold)`);
  });

  it('refuses an interlaced PNG whose data inflates past its declared size (pngjs inflates those unbounded)', () => {
    // 8×8 grey, interlaced: its seven Adam7 passes hold 79 bytes; this data inflates to 1 MB.
    const error = decodeError(handmadePng({ width: 8, height: 8, interlace: 1, pixelData: new Uint8Array(1 << 20) }));
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect(error!.message).toContain('declares 8×8 pixels (79 bytes of pixel data) but its data inflates to more');
  });

  it('decodes an interlaced PNG whose data is exactly its declared size', () => {
    const image = decodeImage(handmadePng({ width: 8, height: 8, interlace: 1, pixelData: new Uint8Array(79).fill(0) }));
    expect([image.width, image.height]).toEqual([8, 8]);
  });

  it('decodes a JPEG right at the pixel limit: the limit and jpeg-js\'s memory guard agree', () => {
    const side = Math.sqrt(MAX_IMAGE_PIXELS);
    expect(Number.isInteger(side)).toBe(true);
    const image = decodeImage(syntheticJpeg(side, side, 3));
    expect([image.width, image.height]).toEqual([side, side]);
    expect([...image.data.subarray(0, 4)]).toEqual([128, 128, 128, 255]);
  }, 120_000);
});

describe('image folders with a bomb in them', () => {
  it('skips the bomb with its declared size and the limit, and sizes the dataset by the images that remain', async () => {
    const { dataset, skipped } = await loadImageFolder(BOMB_FOLDER);
    expect(skipped).toEqual([{ path: BOMB, reason: expect.stringContaining('declares 10000×10000 pixels (100 megapixels), over the limit of 25 megapixels') }]);
    expect(dataset.shape).toEqual([28, 28, 3]);
    expect(dataset.train.count + dataset.test.count).toBe(12);
  });

  it('refuses a dataset whose images would pass the dataset limit at the asked size, before resampling any', async () => {
    const folder = tempFolder('too-big');
    for (const name of ['a', 'b']) for (let i = 0; i < 3; i++) writePng(join(folder, name, `${i}.png`), 2, 2, solid(2, 2, [1, 2, 3]));
    // 6 images × 10,000 × 10,000 × 3 bytes = 1.8 GB: resampling them all was what took 7 GiB.
    const error = await loadImageFolder(folder, { size: [10_000, 10_000] }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect((error as Error).message).toBe(
      `${folder} has 6 images, which at 10000×10000×3 would take 1.7 GiB (1,800,000,000 bytes), over the limit of 1.0 GiB (${MAX_DATASET_BYTES.toLocaleString('en-US')} bytes) for a dataset; ask for a smaller size with ?size=HxW`,
    );
  });

  it('refuses a dataset whose first image sets a size too large for all of them', async () => {
    const folder = tempFolder('first-big');
    // 4,000×3,000 RGB is 36 MB an image: 30 of them pass 1 GiB.
    const photo = handmadePng({ width: 4000, height: 3000, colourType: 2, pixelData: new Uint8Array(3000 * (1 + 4000 * 3)) });
    for (let i = 0; i < 15; i++) for (const name of ['a', 'b']) writeBytes(join(folder, name, `${i}.png`), photo);
    const error = await loadImageFolder(folder).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(new RegExp(`^${folder} has 30 images, which at 3000×4000×3 \\(the size of its first image\\) would take 1\\.0 GiB \\(1,080,000,000 bytes\\), over the limit`));
  }, 30_000);
});
