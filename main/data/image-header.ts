/**
 * The size a PNG or JPEG declares, read from its header alone, so it can be checked before a
 * decoder allocates for it:
 *
 * - PNG: the IHDR chunk, which must come first (PNG spec §5.6, §11.2.2): width, height, bit depth,
 *   colour type, interlace method, each at a fixed offset after the 8-byte signature.
 * - JPEG: the first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC; ITU T.81 §B.2.2),
 *   found by walking the marker segments from SOI: sample precision, height, width, components.
 */

export type ImageFormat = 'PNG' | 'JPEG';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /**
   * For a PNG, the bytes its pixel data must inflate to: per row a filter byte and the row's
   * samples packed at the bit depth, per Adam7 pass when interlaced (PNG spec §7.3, §8.2).
   */
  inflatedBytes?: number;
  /** For a PNG: Adam7-interlaced. */
  interlaced?: boolean;
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Samples per pixel of each PNG colour type (PNG spec §11.2.2, Table 11.1). */
const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** The PNG's declared size; throws an Error saying what is wrong with a header that cannot be read. */
export function readPngHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Signature (8), chunk length (4), "IHDR" (4), then 13 bytes of data.
  if (bytes.length < 8 + 8 + 13) throw new Error('the PNG ends inside its header');
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR' || view.getUint32(8) !== 13) throw new Error('the PNG does not start with an IHDR header');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const samples = PNG_SAMPLES[bytes[25]!];
  if (width === 0 || height === 0) throw new Error(`the PNG declares ${width}×${height} pixels`);
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new Error(`the PNG has an invalid colour type ${bytes[25]} or bit depth ${depth}`);
  }
  const interlaced = bytes[28] === 1;
  const bitsPerPixel = samples * depth;
  const inflatedBytes = interlaced
    ? ADAM7.reduce((sum, [x0, y0, dx, dy]) => sum + rowsBytes(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy), bitsPerPixel), 0)
    : rowsBytes(width, height, bitsPerPixel);
  return { format: 'PNG', width, height, inflatedBytes, interlaced };
}

/** Adam7's seven passes as [first column, first row, column step, row step] (PNG spec §8.2). */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Filtered bytes of a `width × height` image: each row is one filter byte and its packed pixels; an empty pass has none. */
function rowsBytes(width: number, height: number, bitsPerPixel: number): number {
  return width <= 0 || height <= 0 ? 0 : height * (1 + Math.ceil((width * bitsPerPixel) / 8));
}

/** Markers that start a frame: 0xC0–0xCF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The JPEG's declared size; throws an Error saying what is wrong with a header that cannot be read. */
export function readJpegHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2; // after SOI
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`the JPEG has no marker at byte ${at} where one should start`);
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // a fill byte before a marker (T.81 §B.1.1.2)
      continue;
    }
    // Markers that stand alone, without a length: TEM, RST0–7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan or end of image: no frame came first
    const length = view.getUint16(at + 2);
    if (length < 2) throw new Error(`the JPEG has a segment of impossible length ${length} at byte ${at}`);
    if (isStartOfFrame(marker)) {
      if (at + 9 > bytes.length) break;
      const height = view.getUint16(at + 5);
      const width = view.getUint16(at + 7);
      // Height 0 defers it to a DNL segment after the first scan (T.81 §B.2.5), which decoders such as jpeg-js do not read.
      if (width === 0 || height === 0) throw new Error(`the JPEG declares ${width}×${height} pixels`);
      return { format: 'JPEG', width, height };
    }
    at += 2 + length;
  }
  throw new Error('the JPEG has no frame header (SOF) before its image data');
}
