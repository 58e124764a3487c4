/** Helpers that write tiny image and IDX datasets (PNG via pngjs or by hand, JPEG via jpeg-js) into a temp folder at test time. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cnn-studio-${prefix}-`));
}

/** RGBA bytes of a width × height image filled with one colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return data;
}

export function writePng(path: string, width: number, height: number, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const png = new pngjs.PNG({ width, height });
  data.copy(png.data);
  writeFileSync(path, pngjs.PNG.sync.write(png));
}

export function writeJpeg(path: string, width: number, height: number, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, jpeg.encode({ width, height, data }, 95).data);
}

/** A valid PNG cut off halfway: the signature is right but it does not decode. */
export function writeTruncatedPng(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const png = new pngjs.PNG({ width: 4, height: 4 });
  const bytes = pngjs.PNG.sync.write(png);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

export function writeBytes(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** An IDX file of unsigned bytes: header, dimensions, values. */
export function idxBytes(dims: number[], values: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...values]);
}

/** One PNG chunk: length, type, data and the CRC of type and data (PNG spec §5.3). */
function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(12 + data.length);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
  return framed;
}

/**
 * A PNG written byte by byte, so that its header can say anything: `pixelData` is what its IDAT
 * holds inflated (filter byte and samples per row), deflated here; `idat` replaces the deflated
 * stream outright.
 */
export function handmadePng(options: { width: number; height: number; colourType?: number; depth?: number; interlace?: 0 | 1; pixelData?: Uint8Array; idat?: Uint8Array }): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(options.width, 0);
  ihdr.writeUInt32BE(options.height, 4);
  ihdr[8] = options.depth ?? 8;
  ihdr[9] = options.colourType ?? 0;
  ihdr[12] = options.interlace ?? 0;
  const idat = options.idat ?? deflateSync(options.pixelData ?? new Uint8Array(0), { level: 1 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

/** A baseline JPEG of `width × height` grey pixels with its frame header's size rewritten to `declared` (width, height). */
export function jpegDeclaring(declared: [number, number], width = 8, height = 8): Uint8Array {
  const bytes = new Uint8Array(jpeg.encode({ width, height, data: solid(width, height, [90, 90, 90]) }, 90).data);
  const view = new DataView(bytes.buffer);
  for (let at = 2; at + 4 <= bytes.length; at += 2 + view.getUint16(at + 2)) {
    if (bytes[at + 1] === 0xc0) {
      view.setUint16(at + 5, declared[1]);
      view.setUint16(at + 7, declared[0]);
      return bytes;
    }
  }
  throw new Error('jpeg-js wrote no SOF0');
}

/** A gzipped IDX file whose header declares `dims` of unsigned bytes, followed by `values` (which may fall short of, or exceed, the declared count). */
export function gzippedIdx(dims: number[], values: Uint8Array): Buffer {
  const header = idxBytes(dims, []);
  return gzipSync(Buffer.concat([header, values]), { level: 9 });
}

/**
 * A baseline JPEG of `width × height` mid-grey pixels with `components` components, written by
 * hand and fast at any size: one quantisation table, and Huffman tables that each hold one 1-bit
 * code (DC difference 0, end of block), so that every 8×8 block is the two bits "00" and the scan
 * is all zero bytes (ITU T.81 §B.2, §F.1.2).
 */
export function syntheticJpeg(width: number, height: number, components: 1 | 3 | 4): Buffer {
  const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  const ids = Array.from({ length: components }, (_, i) => i + 1);
  const oneCode = (tableClass: number) => [tableClass << 4, 1, ...new Array(15).fill(0), 0x00];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8) * components;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    Buffer.from(segment(0xdb, [0x00, ...new Array(64).fill(1)])),
    Buffer.from(segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components, ...ids.flatMap((id) => [id, 0x11, 0])])),
    Buffer.from(segment(0xc4, [...oneCode(0), ...oneCode(1)])),
    Buffer.from(segment(0xda, [components, ...ids.flatMap((id) => [id, 0x00]), 0, 63, 0])),
    Buffer.alloc(Math.ceil((blocks * 2) / 8)),
    Buffer.from([0xff, 0xd9]),
  ]);
}
