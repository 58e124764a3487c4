/** Reading the size a PNG or JPEG declares from its header alone, checked against what the decoders then produce. */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readJpegHeader, readPngHeader } from '../../main/data/image-header.ts';
import { handmadePng, solid, syntheticJpeg } from './image-fixtures.ts';

describe('PNG headers', () => {
  it.each([
    // colour type, bit depth, bytes per row of a 5-pixel row after its filter byte
    ['grey, 1 bit', 0, 1, 1],
    ['grey, 8 bits', 0, 8, 5],
    ['RGB, 8 bits', 2, 8, 15],
    ['palette, 4 bits', 3, 4, 3],
    ['grey and alpha, 16 bits', 4, 16, 20],
    ['RGBA, 16 bits', 6, 16, 40],
  ])('gives the declared size and inflated bytes of %s', (_what, colourType, depth, rowBytes) => {
    const header = readPngHeader(handmadePng({ width: 5, height: 3, colourType, depth }));
    expect(header).toEqual({ format: 'PNG', width: 5, height: 3, inflatedBytes: 3 * (1 + rowBytes), interlaced: false });
  });

  it('counts the seven Adam7 passes of an interlaced PNG, which pngjs then decodes from exactly that many bytes', () => {
    // 8×8 grey: passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4 and 8×4 pixels, each row with its filter byte.
    const expected = 1 * 2 + 1 * 2 + 1 * 3 + 2 * 3 + 2 * 5 + 4 * 5 + 4 * 9;
    const png = handmadePng({ width: 8, height: 8, interlace: 1, pixelData: new Uint8Array(expected) });
    expect(readPngHeader(png).inflatedBytes).toBe(expected);
    expect(pngjs.PNG.sync.read(png).width).toBe(8);
    // A pass that holds no pixel (a 1×1 image has only the first) adds nothing.
    expect(readPngHeader(handmadePng({ width: 1, height: 1, interlace: 1 })).inflatedBytes).toBe(2);
  });

  it.each([
    ['a cut-off header', () => handmadePng({ width: 4, height: 4 }).subarray(0, 20), 'the PNG ends inside its header'],
    ['zero width', () => handmadePng({ width: 0, height: 4 }), 'the PNG declares 0×4 pixels'],
    ['an invalid colour type', () => handmadePng({ width: 4, height: 4, colourType: 5 }), 'invalid colour type 5'],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => readPngHeader(bytes())).toThrow(message);
  });
});

describe('JPEG headers', () => {
  it('finds the frame header after APP segments, as jpeg-js writes them', () => {
    const bytes = jpeg.encode({ width: 13, height: 7, data: solid(13, 7, [1, 2, 3]) }, 80).data;
    expect(readJpegHeader(bytes)).toEqual({ format: 'JPEG', width: 13, height: 7 });
  });

  it('skips fill bytes before a marker and finds a progressive frame (SOF2)', () => {
    const bytes = Buffer.from(syntheticJpeg(24, 16, 1));
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    bytes[sof + 1] = 0xc2;
    const filled = Buffer.concat([bytes.subarray(0, sof), Buffer.from([0xff, 0xff]), bytes.subarray(sof)]);
    expect(readJpegHeader(filled)).toEqual({ format: 'JPEG', width: 24, height: 16 });
  });

  it('refuses a JPEG whose scan comes before any frame header', () => {
    expect(() => readJpegHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00]))).toThrow('the JPEG has no frame header (SOF) before its image data');
  });

  it('refuses a segment that is not introduced by a marker', () => {
    expect(() => readJpegHeader(Buffer.from([0xff, 0xd8, 0x12, 0x34, 0x00, 0x02]))).toThrow('no marker at byte 2');
  });
});
