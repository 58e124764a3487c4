/**
 * A direct 2-D convolution in generated WebAssembly SIMD, used for the forward pass and for the
 * input gradient (conv2d-backprop.ts) when XNNPACK runs on one thread: on this kind of layer
 * (≤ 32 channels, 3×3) it reaches ~19 GMAC/s (~25 with fused multiply-adds) where XNNPACK's
 * indirect GEMM does ~12.
 *
 *   y[n, oh, ow, o] = Σ_t x[n, oh·s − pt + kh_t·d, ow·s − pl + kw_t·d, c_t] · w[t, o]
 *
 * over the taps t = (kh, kw, c) of a tap table: one (x offset, weight row offset) pair per tap.
 * Padding needs no zero-padded copy of x: the output is cut into regions whose pixels all see the
 * same taps inside x (`convRegions`), and each region runs with the table of just those taps. The
 * padding's zeros are never read or multiplied. This is what makes the input gradient, a
 * convolution of dy with padding (filter size − 1), do only the multiply-adds it needs.
 *
 * Register tiling: P neighbouring output pixels of a row × V vectors of 4 output channels. For each
 * tap the V weight vectors are loaded once, and each pixel's x value is loaded-and-splat (one
 * instruction) and multiplied into its V accumulators; P·V ≤ 8 (plus V weights and the splat:
 * more than ~12 live vectors makes V8 spill, measured on conv2 of round 10). The module is
 * specialised per (V, x column step, output pixel step), which makes the pixel and lane addresses
 * instruction immediates. A row's last wo mod P pixels are one narrower tile; a region only a
 * column or two wide (the edges of a padded convolution) runs down its columns instead, with the
 * tiles' pixels one above the other.
 */
import { FunctionWriter, I32, SIMD, V128, writeModule } from './wasm-writer.ts';

interface Exports {
  /**
   * One region of every image. Byte offsets and strides throughout: `taps` points at `count`
   * (x offset, weight offset) pairs; x is the region's first window (it may lie before the
   * tensor: only tap offsets that land inside are in the table) and advances xImageBytes per
   * image, xRowBytes per output row; y is the region's first output pixel.
   */
  run(taps: number, count: number, x: number, w: number, y: number, n: number, ho: number, wo: number, xImageBytes: number, xRowBytes: number, yImageBytes: number, yRowBytes: number): void;
}

/** P with P·V ≤ 8 accumulators: measured best (V = 4: P = 2; V = 2: P = 4; more spills). */
export function pixelsPerTile(vectors: number): number {
  return Math.max(1, Math.floor(8 / vectors));
}

function convWriter(V: number, xColBytes: number, yPixelBytes: number, fma: boolean): FunctionWriter {
  const P = pixelsPerTile(V);
  const f = new FunctionWriter('run', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], [], fma);
  const [taps, count, x, w, y, n, ho, wo, xImageBytes, xRowBytes, yImageBytes, yRowBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const image = f.local(I32);
  const oh = f.local(I32);
  const ow = f.local(I32);
  const t = f.local(I32);
  const xImage = f.local(I32);
  const yImage = f.local(I32);
  const xRow = f.local(I32);
  const yRow = f.local(I32);
  const xp = f.local(I32);
  const yp = f.local(I32);
  const wp = f.local(I32);
  const table = f.local(I32);
  const at = f.local(I32);
  const fullEnd = f.local(I32);
  const acc = Array.from({ length: P * V }, () => f.local(V128));
  const wv = Array.from({ length: V }, () => f.local(V128));
  const s = f.local(V128);

  /** One tile of `pixels` output pixels at xp → yp. */
  const tile = (pixels: number) => {
    for (let k = 0; k < pixels * V; k++) f.f32(0).simd(SIMD.f32x4Splat).set(acc[k]!);
    f.get(taps).set(table);
    f.i32(0).set(t);
    f.loopWhileBelow(t, count, 1, () => {
      f.get(w).get(table).i32Load(4).i32Add().set(wp);
      for (let j = 0; j < V; j++) f.get(wp).v128Load(16 * j).set(wv[j]!);
      f.get(xp).get(table).i32Load().i32Add().set(at);
      for (let p = 0; p < pixels; p++) {
        f.get(at).v128Load32Splat(p * xColBytes).set(s);
        for (let j = 0; j < V; j++) {
          const a = acc[p * V + j]!;
          f.mulAdd(() => f.get(s), () => f.get(wv[j]!), () => f.get(a)).set(a);
        }
      }
      f.add(table, 8);
    });
    for (let p = 0; p < pixels; p++) {
      for (let j = 0; j < V; j++) f.get(yp).get(acc[p * V + j]!).v128Store(p * yPixelBytes + 16 * j);
    }
  };

  const rem = f.local(I32);
  f.get(x).set(xImage);
  f.get(y).set(yImage);
  // Pixels covered by whole tiles: wo − wo mod P; the rest is one tile of wo mod P pixels.
  f.get(wo).i32(P).i32RemU().set(rem);
  f.get(wo).get(rem).i32Sub().set(fullEnd);
  f.loopWhileBelow(image, n, 1, () => {
    f.get(xImage).set(xRow);
    f.get(yImage).set(yRow);
    f.i32(0).set(oh);
    f.loopWhileBelow(oh, ho, 1, () => {
      f.get(xRow).set(xp);
      f.get(yRow).set(yp);
      f.i32(0).set(ow);
      f.loopWhileBelow(ow, fullEnd, P, () => {
        tile(P);
        f.add(xp, P * xColBytes).add(yp, P * yPixelBytes);
      });
      for (let pixels = 1; pixels < P; pixels++) {
        f.get(rem).i32(pixels).i32Eq().ifElse(() => tile(pixels));
      }
      f.get(xRow).get(xRowBytes).i32Add().set(xRow);
      f.get(yRow).get(yRowBytes).i32Add().set(yRow);
    });
    f.get(xImage).get(xImageBytes).i32Add().set(xImage);
    f.get(yImage).get(yImageBytes).i32Add().set(yImage);
  });
  return f;
}

/** A run of output positions along one axis whose windows all see the same filter taps [k0, k1) inside the input. */
export interface AxisRegion {
  /** Output positions [start, end). */
  start: number;
  end: number;
  /** Filter positions [k0, k1) that land inside the input (k0 = k1: none, the output is 0). */
  k0: number;
  k1: number;
}

/**
 * Output positions 0 … out − 1 along one axis, grouped by the filter taps that land inside an
 * input of `size` (position o reads input o·stride − pad + k·dilation for k < filter).
 */
export function axisRegions(out: number, size: number, stride: number, pad: number, dilation: number, filter: number): AxisRegion[] {
  const regions: AxisRegion[] = [];
  for (let o = 0; o < out; o++) {
    const origin = o * stride - pad;
    const k0 = Math.min(filter, Math.max(0, Math.ceil(-origin / dilation)));
    const k1 = Math.max(k0, Math.min(filter, Math.floor((size - 1 - origin) / dilation) + 1));
    const last = regions.at(-1);
    if (last && last.k0 === k0 && last.k1 === k1) last.end = o + 1;
    else regions.push({ start: o, end: o + 1, k0, k1 });
  }
  return regions;
}

export interface ConvPlan {
  /** Input [n, h, w, ci] and output [ho, wo, co] sizes. */
  n: number;
  h: number;
  w: number;
  ci: number;
  ho: number;
  wo: number;
  co: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Top and left padding (negative: cropping). */
  pt: number;
  pl: number;
  /**
   * Byte offset of the weight row of tap (kh, kw, c) from the start of the weights; rows hold
   * `co` floats. TensorFlow.js's [fh, fw, ci, co] layout: ((kh·fw + kw)·ci + c)·co·4.
   */
  weightRow: (kh: number, kw: number, c: number) => number;
  /** Identifies the weight layout in the tap-table cache. */
  weightLayout: string;
}

interface Region {
  rows: AxisRegion;
  cols: AxisRegion;
  /** Heap offset of its tap table, and the number of taps. */
  table: number;
  taps: number;
}

/** Compiles the loop per (V, column step, output pixel step) and keeps the tap tables per geometry. */
export class ConvKernels {
  private readonly modules = new Map<string, Exports>();
  private readonly plans = new Map<string, Region[]>();
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly malloc: (bytes: number) => number,
    private readonly free: (at: number) => void,
    private readonly fma: boolean,
  ) {}

  private module(V: number, xColBytes: number, yPixelBytes: number): Exports {
    const key = `${V},${xColBytes},${yPixelBytes}`;
    let exports = this.modules.get(key);
    if (!exports) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
      const bytes = writeModule([convWriter(V, xColBytes, yPixelBytes, this.fma)], shared);
      if (!WebAssembly.validate(bytes)) throw new Error('generated convolution module does not validate');
      const compiled = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory } }).exports as unknown as Exports;
      // Tier-up (see warmUp in simd-kernels.ts): one tap over P + 1 pixels (both loops), reading
      // the bottom of the heap, writing into a temporary block.
      const P = pixelsPerTile(V);
      const size = 8 + (P + 1) * yPixelBytes + 64;
      const scratch = this.malloc(size) >>> 0;
      new Int32Array(this.memory.buffer, scratch, 2).fill(0);
      for (let i = 0; i < 200; i++) compiled.run(scratch, 1, 0, 0, scratch + 8, 1, 1, P + 1, 0, 0, 0, 0);
      this.free(scratch);
      exports = compiled;
      this.modules.set(key, exports);
    }
    return exports;
  }

  /** The plan's regions, with their tap tables in the heap (built once per geometry). */
  private regions(plan: ConvPlan): Region[] {
    const key = [plan.h, plan.w, plan.ci, plan.ho, plan.wo, plan.fh, plan.fw, plan.sh, plan.sw, plan.dh, plan.dw, plan.pt, plan.pl, plan.weightLayout].join(',');
    let regions = this.plans.get(key);
    if (regions) return regions;
    regions = [];
    const rowStride = plan.w * plan.ci;
    for (const rows of axisRegions(plan.ho, plan.h, plan.sh, plan.pt, plan.dh, plan.fh)) {
      for (const cols of axisRegions(plan.wo, plan.w, plan.sw, plan.pl, plan.dw, plan.fw)) {
        const taps = (rows.k1 - rows.k0) * (cols.k1 - cols.k0) * plan.ci;
        const table = taps > 0 ? this.malloc(8 * taps) >>> 0 : 0;
        if (taps > 0) {
          const entries = new Int32Array(this.memory.buffer, table, 2 * taps);
          let at = 0;
          for (let kh = rows.k0; kh < rows.k1; kh++) {
            for (let kw = cols.k0; kw < cols.k1; kw++) {
              for (let c = 0; c < plan.ci; c++) {
                entries[at++] = 4 * (kh * plan.dh * rowStride + kw * plan.dw * plan.ci + c);
                entries[at++] = plan.weightRow(kh, kw, c);
              }
            }
          }
        }
        regions.push({ rows, cols, table, taps });
      }
    }
    this.plans.set(key, regions);
    return regions;
  }

  /**
   * y = conv(x, w) over output channels [cb, cb + 4V) (a block of at most 16), x, w, y at byte
   * offsets xAt, wAt (the weights' start), yAt; y must be zero where no tap lands (`needsZeros`).
   */
  run(plan: ConvPlan, xAt: number, wAt: number, yAt: number, cb: number, vectors: number): void {
    const { ci, co, h, w, ho, wo } = plan;
    const P = pixelsPerTile(vectors);
    const xColBytes = 4 * plan.sw * ci;
    const xRowBytes = 4 * plan.sh * w * ci;
    const yPixelBytes = 4 * co;
    const yRowBytes = 4 * wo * co;
    for (const region of this.regions(plan)) {
      if (region.taps === 0) continue;
      const { rows, cols } = region;
      const height = rows.end - rows.start;
      const width = cols.end - cols.start;
      // The region's first window, relative to x (it may start before x; every tap lands inside).
      const x0 = (xAt + 4 * ((rows.start * plan.sh - plan.pt) * w * ci + (cols.start * plan.sw - plan.pl) * ci)) | 0;
      const y0 = yAt + 4 * ((rows.start * wo + cols.start) * co + cb);
      const w0 = wAt + 4 * cb;
      if (width < P && height > width) {
        // A column or two at the left or right edge: tiles of P pixels down a column instead.
        const exports = this.module(vectors, xRowBytes, yRowBytes);
        exports.run(region.table, region.taps, x0, w0, y0, plan.n, width, height, 4 * h * w * ci, xColBytes, 4 * ho * wo * co, yPixelBytes);
      } else {
        const exports = this.module(vectors, xColBytes, yPixelBytes);
        exports.run(region.table, region.taps, x0, w0, y0, plan.n, height, width, 4 * h * w * ci, xRowBytes, 4 * ho * wo * co, yRowBytes);
      }
    }
  }

  /** Whether some output pixels see no tap at all (padding wider than the filter reaches), which the caller must zero. */
  needsZeros(plan: ConvPlan): boolean {
    return this.regions(plan).some((region) => region.taps === 0);
  }
}
