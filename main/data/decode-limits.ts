/**
 * How much a dataset file may make the studio allocate. Every decoder reads the size a file
 * DECLARES (a PNG's IHDR, a JPEG's frame header, an IDX header) and checks it here before it
 * allocates or inflates anything, so a 69-byte file that claims 10,000×10,000 pixels costs
 * nothing (a header bomb), and a small gzip that inflates to gigabytes is stopped at its header.
 */
import { formatBytes, formatCount } from '../analysis/format.ts';
import { StudioError } from '../errors.ts';

export class DecodeLimitError extends StudioError {
  override name = 'DecodeLimitError';
}

/**
 * The most pixels one PNG or JPEG may declare: 25 megapixels, a 6000×4000 camera photo with room
 * to spare. Decoding one that large takes about 300 MB (RGBA output plus the decoder's buffers)
 * and half a second; the images a small CNN trains on are far smaller and are resized anyway.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** The largest image file read at all; a PNG or JPEG within MAX_IMAGE_PIXELS is far smaller. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 ** 2;

/**
 * The most pixel bytes a whole dataset (train and test, count × height × width × channels) may
 * hold in memory: 1 GiB. EMNIST ByClass, the largest IDX set in common use, is 0.6 GiB; CIFAR-10
 * would be 0.17 GiB. An IDX file's values count against the same limit.
 */
export const MAX_DATASET_BYTES = 1024 ** 3;

/**
 * The most a deflate stream can expand: 258 bytes from one 2-bit length/distance pair gives
 * 1032:1 (RFC 1951 §3.2.5; zlib's FAQ, "What's the maximum compression ratio?"). A PNG whose
 * declared pixels would need more than its bytes × 1032 cannot hold them: its header lies.
 */
export const MAX_DEFLATE_RATIO = 1032;

/**
 * An image declares `width × height` pixels; throws DecodeLimitError past MAX_IMAGE_PIXELS. The
 * message says what the image declares and the limit; the caller, which knows the file, names it.
 */
export function checkImagePixels(format: string, width: number, height: number): void {
  const pixels = width * height;
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new DecodeLimitError(
      `the ${format} declares ${width}×${height} pixels (${megapixels(pixels)}), over the limit of ${megapixels(MAX_IMAGE_PIXELS)} per image; shrink it first`,
    );
  }
}

/** "25 megapixels", "100 megapixels", "0.2 megapixels". */
export function megapixels(pixels: number): string {
  const value = pixels / 1e6;
  return `${value >= 10 ? formatCount(value) : Number(value.toPrecision(2))} megapixels`;
}

/** "47.0 MiB (49,283,072 bytes)": bytes in words for the limit messages. */
export function describeBytes(bytes: number): string {
  return bytes < 1024 ? `${formatCount(bytes)} bytes` : `${formatBytes(bytes)} (${formatCount(bytes)} bytes)`;
}
