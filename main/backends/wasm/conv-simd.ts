/**
 * A direct 2-D convolution in generated WebAssembly SIMD, used for the forward pass and for the
 * input gradient (a forward convolution too, see conv2d-backprop.ts) when XNNPACK runs on one
 * thread: on this kind of layer (≤ 32 channels, 3×3) it reaches ~19 GMAC/s where XNNPACK's
 * indirect GEMM does ~12.
 *
 *   y[n, oh, ow, o] = Σ_r x[n, oh·s + kh·d, ow·s + kw·d, c] · w[r, o],   r = (kh, kw, c)
 *
 * over an unpadded input (the caller pads a copy when needed). w in TensorFlow.js's layout
 * [fh, fw, ci, co] is already [r][o], so it is used as it is.
 *
 * Register tiling: P neighbouring output pixels of a row × V vectors of 4 output channels. For each
 * filter row r the V weight vectors are loaded once, and each pixel's x value is loaded-and-splat
 * (one instruction) and multiplied into its V accumulators; P·V ≤ 8 (plus V weights and the
 * splat: more than ~12 live vectors makes V8 spill, measured on conv2 of round 10). The
 * module is specialised per (V, P, x column step, output pixel step), which makes the pixel and
 * lane addresses instruction immediates; the filter rows' x offsets come from a table per geometry.
 * A row's last wo mod P pixels go through the same loop with P = 1.
 */
import { FunctionWriter, I32, SIMD, V128, writeModule } from './wasm-writer.ts';

export interface ConvKernel {
  /**
   * Output channel block of 4V channels at `w` (a column offset into [rows][co]) and `y`. Byte
   * offsets throughout; x advances xImageBytes per image and xRowBytes per output row.
   */
  run(x: number, w: number, y: number, n: number, ho: number, wo: number, xImageBytes: number, xRowBytes: number, wRowBytes: number, yRowBytes: number): void;
}

interface Exports {
  run(offsets: number, rows: number, x: number, w: number, y: number, n: number, ho: number, wo: number, xImageBytes: number, xRowBytes: number, wRowBytes: number, yRowBytes: number): void;
}

/** P with P·V ≤ 8 accumulators: measured best (V = 4: P = 2; V = 2: P = 4; more spills). */
export function pixelsPerTile(vectors: number): number {
  return Math.max(1, Math.floor(8 / vectors));
}

function convWriter(V: number, xColBytes: number, yPixelBytes: number): FunctionWriter {
  const P = pixelsPerTile(V);
  const f = new FunctionWriter('run', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [offsets, rows, x, w, y, n, ho, wo, xImageBytes, xRowBytes, wRowBytes, yRowBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const image = f.local(I32);
  const oh = f.local(I32);
  const ow = f.local(I32);
  const r = f.local(I32);
  const xImage = f.local(I32);
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
    f.get(offsets).set(table);
    f.get(w).set(wp);
    f.i32(0).set(r);
    f.loopWhileBelow(r, rows, 1, () => {
      for (let j = 0; j < V; j++) f.get(wp).v128Load(16 * j).set(wv[j]!);
      f.get(xp).get(table).i32Load().i32Add().set(at);
      for (let p = 0; p < pixels; p++) {
        f.get(at).v128Load32Splat(p * xColBytes).set(s);
        for (let j = 0; j < V; j++) {
          const a = acc[p * V + j]!;
          f.get(s).get(wv[j]!).simd(SIMD.f32x4Mul).get(a).simd(SIMD.f32x4Add).set(a);
        }
      }
      f.add(table, 4);
      f.get(wp).get(wRowBytes).i32Add().set(wp);
    });
    for (let p = 0; p < pixels; p++) {
      for (let j = 0; j < V; j++) f.get(yp).get(acc[p * V + j]!).v128Store(p * yPixelBytes + 16 * j);
    }
  };

  f.get(x).set(xImage);
  f.get(y).set(yRow);
  // Pixels covered by whole tiles: wo − wo mod P.
  f.get(wo).get(wo).i32(P).i32RemU().i32Sub().set(fullEnd);
  f.loopWhileBelow(image, n, 1, () => {
    f.get(xImage).set(xRow);
    f.i32(0).set(oh);
    f.loopWhileBelow(oh, ho, 1, () => {
      f.get(xRow).set(xp);
      f.get(yRow).set(yp);
      f.i32(0).set(ow);
      f.loopWhileBelow(ow, fullEnd, P, () => {
        tile(P);
        f.add(xp, P * xColBytes).add(yp, P * yPixelBytes);
      });
      f.loopWhileBelow(ow, wo, 1, () => {
        tile(1);
        f.add(xp, xColBytes).add(yp, yPixelBytes);
      });
      f.get(xRow).get(xRowBytes).i32Add().set(xRow);
      f.get(yRow).get(yRowBytes).i32Add().set(yRow);
    });
    f.get(xImage).get(xImageBytes).i32Add().set(xImage);
  });
  return f;
}

export interface ConvGeometryKey {
  ci: number;
  /** Floats from one x row to the next. */
  rowStride: number;
  fh: number;
  fw: number;
  dh: number;
  dw: number;
  /** Column stride in x, in floats (stride · ci). */
  colStride: number;
  /** Output channels (all blocks). */
  co: number;
  vectors: number;
}

/** Compiles per (V, column step, output pixel step) and keeps a row-offset table per geometry. */
export class ConvKernels {
  private readonly modules = new Map<string, Exports>();
  private readonly kernels = new Map<string, ConvKernel>();
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly malloc: (bytes: number) => number,
    private readonly free: (at: number) => void,
  ) {}

  private module(V: number, xColBytes: number, yPixelBytes: number): Exports {
    const key = `${V},${xColBytes},${yPixelBytes}`;
    let exports = this.modules.get(key);
    if (!exports) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
      const bytes = writeModule([convWriter(V, xColBytes, yPixelBytes)], shared);
      if (!WebAssembly.validate(bytes)) throw new Error('generated convolution module does not validate');
      const compiled = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory } }).exports as unknown as Exports;
      // Tier-up (see warmUp in simd-kernels.ts): a one-row filter over P + 1 pixels (both loops),
      // reading the bottom of the heap, writing into a temporary block.
      const P = pixelsPerTile(V);
      const size = 4 + (P + 1) * yPixelBytes + 64;
      const scratch = this.malloc(size) >>> 0;
      new Int32Array(this.memory.buffer, scratch, 1).fill(0);
      for (let i = 0; i < 200; i++) compiled.run(scratch, 1, 0, 0, scratch + 4, 1, 1, P + 1, 0, 0, 0, 0);
      this.free(scratch);
      exports = compiled;
      this.modules.set(key, exports);
    }
    return exports;
  }

  get(g: ConvGeometryKey): ConvKernel {
    const key = `${g.ci},${g.rowStride},${g.fh},${g.fw},${g.dh},${g.dw},${g.colStride},${g.co},${g.vectors}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      const exports = this.module(g.vectors, 4 * g.colStride, 4 * g.co);
      const rows = g.fh * g.fw * g.ci;
      const table = this.malloc(4 * rows) >>> 0;
      const offsets = new Int32Array(this.memory.buffer, table, rows);
      let k = 0;
      for (let kh = 0; kh < g.fh; kh++) {
        for (let kw = 0; kw < g.fw; kw++) {
          for (let c = 0; c < g.ci; c++) offsets[k++] = 4 * (kh * g.dh * g.rowStride + kw * g.dw * g.ci + c);
        }
      }
      kernel = {
        run: (x, w, y, n, ho, wo, xImageBytes, xRowBytes, wRowBytes, yRowBytes) =>
          exports.run(table, rows, x, w, y, n, ho, wo, xImageBytes, xRowBytes, wRowBytes, yRowBytes),
      };
      this.kernels.set(key, kernel);
    }
    return kernel;
  }
}
