/**
 * Decoding PNG and JPEG files to RGBA pixels (pure-JS `pngjs` and `jpeg-js`, chosen by the
 * file's signature bytes) and resampling them to a dataset's [height, width, channels] with
 * bilinear sampling at pixel centres; grayscale averages R, G and B, alpha is dropped.
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes PNG or JPEG bytes; throws an Error whose message says why (shown as a skip reason). */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes.length === 0) throw new Error('the file is empty');
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    try {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    } catch (error) {
      throw new Error(`the PNG does not decode: ${reason(error)}`);
    }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    try {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: image.width, height: image.height, data: image.data };
    } catch (error) {
      throw new Error(`the JPEG does not decode: ${reason(error)}`);
    }
  }
  throw new Error('the file is neither a PNG nor a JPEG image (unknown signature)');
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
