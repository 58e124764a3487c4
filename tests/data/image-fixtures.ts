/** Helpers that write tiny image datasets (PNG via pngjs, JPEG via jpeg-js) into a temp folder at test time. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
