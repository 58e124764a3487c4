/**
 * Decoding PNG and JPEG files to RGBA pixels (pure-JS `pngjs` and `jpeg-js`, chosen by the
 * file's signature bytes) and resampling them to a dataset's [height, width, channels] with
 * bilinear sampling at pixel centres; grayscale averages R, G and B, alpha is dropped.
 */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { checkImagePixels, DecodeLimitError, MAX_DEFLATE_RATIO, MAX_IMAGE_PIXELS, megapixels } from './decode-limits.ts';
import { isJpeg, isPng, readJpegHeader, readPngHeader, type ImageHeader } from './image-header.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

/**
 * jpeg-js's own guard, as a second line behind the header check: it counts what it allocates
 * (about 21 bytes a pixel for three components: 525 MB at MAX_IMAGE_PIXELS, where 512 refused it)
 * and stops past this many MB; tests/data/image-limits.test.ts decodes a JPEG right at the limit.
 */
const JPEG_MEMORY_MB = 1024;

/**
 * Decodes PNG or JPEG bytes; throws an Error whose message says why (shown as a skip reason). The
 * declared size is checked against the limits first (DecodeLimitError), before anything is
 * inflated or allocated for the pixels. The caller names the file: the message says what is wrong with it.
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes.length === 0) throw new Error('the file is empty');
  if (isPng(bytes)) {
    checkDeclaredSize(bytes, readPngHeader(bytes));
    try {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    } catch (error) {
      throw new Error(`the PNG does not decode: ${reason(error)}`);
    }
  }
  if (isJpeg(bytes)) {
    checkDeclaredSize(bytes, readJpegHeader(bytes));
    try {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: JPEG_MEMORY_MB });
      return { width: image.width, height: image.height, data: image.data };
    } catch (error) {
      throw new Error(`the JPEG does not decode: ${reason(error)}`);
    }
  }
  throw new Error('the file is neither a PNG nor a JPEG image (unknown signature)');
}

/**
 * Refuses an image whose header declares more than MAX_IMAGE_PIXELS, or (PNG) more pixel data
 * than its bytes can inflate to at deflate's best ratio.
 */
function checkDeclaredSize(bytes: Uint8Array, declared: ImageHeader): void {
  checkImagePixels(declared.format, declared.width, declared.height);
  if (declared.inflatedBytes !== undefined && declared.inflatedBytes > bytes.length * MAX_DEFLATE_RATIO) {
    throw new DecodeLimitError(
      `the ${declared.format} declares ${declared.width}×${declared.height} pixels (${megapixels(declared.width * declared.height)}), ` +
        `which its ${bytes.length} bytes cannot hold (deflate expands at most ${MAX_DEFLATE_RATIO}-fold)`,
    );
  }
  if (declared.interlaced) checkInterlacedData(bytes, declared);
}

/**
 * pngjs bounds what it inflates for a plain PNG (to the declared size) but not for an interlaced
 * one, whose pixel data could inflate far past what its header declares. Inflating it here with
 * zlib's maxOutputLength set to the declared size stops that at the bound.
 */
function checkInterlacedData(bytes: Uint8Array, declared: ImageHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT') data.push(bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length)));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(data), { maxOutputLength: declared.inflatedBytes! });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecodeLimitError(
        `the PNG declares ${declared.width}×${declared.height} pixels (${declared.inflatedBytes} bytes of pixel data) but its data inflates to more; it is refused`,
      );
    }
    throw new Error(`the PNG does not decode: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** Resamples `image` to height × width × channels bytes (channels 1: grey average, 3: RGB). */
export function resampleImage(image: RgbaImage, height: number, width: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(height * width * channels);
  const { width: w, height: h, data } = image;
  if (w === 0 || h === 0) throw new Error('the image has no pixels');
  const sy = h / height;
  const sx = w / width;
  const rgb = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * w + x0) * 4 + c]! * (1 - dx) + data[(y0 * w + x1) * 4 + c]! * dx;
        const bottom = data[(y1 * w + x0) * 4 + c]! * (1 - dx) + data[(y1 * w + x1) * 4 + c]! * dx;
        rgb[c] = top * (1 - dy) + bottom * dy;
      }
      const o = (y * width + x) * channels;
      if (channels === 1) out[o] = Math.round((rgb[0]! + rgb[1]! + rgb[2]!) / 3);
      else for (let c = 0; c < 3; c++) out[o + c] = Math.round(rgb[c]!);
    }
  }
  return out;
}
