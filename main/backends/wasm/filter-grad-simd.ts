/**
 * The filter gradient of a convolution computed directly with generated WebAssembly SIMD, without
 * XNNPACK: no im2col, no transposes, no weight packing.
 *
 *   dw[r, o] = Σ_{n, oh, ow} x[n, oh·s + kh·d, ow·s + kw·d, ci] · dy[n, oh, ow, o],  r = (kh, kw, ci)
 *
 * i.e. dw = Pᵀ·D with P the (virtual) im2col matrix of x and D = dy as [pixels, co]; the sum runs
 * over K = N·Ho·Wo pixels, which is large, while the result is small. The XNNPACK route (a forward
 * convolution whose *filter* is an activation) repacks that activation on every call, which costs
 * as much as the arithmetic (conv2 of round 10: 4.8 ms of packing + 4.2 ms of GEMM).
 *
 * Register tiling: a tile of R filter rows × V output-channel vectors (4 channels each) lives in
 * R·V v128 locals; for every pixel the V dy vectors are loaded once and each of the R x values is
 * loaded, splatted and multiplied into its V accumulators. R·V + V + 1 ≤ 13 keeps everything in the
 * 16 XMM registers V8 uses. A row's x offset (kh·d·rowStride + kw·d·ci + c) comes from a table
 * built per geometry. Each image's partial sums (≤ Ho·Wo terms, float32) are added into the
 * output, so long sums are split.
 *
 * Padding is handled by the caller (a zero-padded copy of x); channel blocks of up to 16 outputs are
 * separate calls.
 */
import { FunctionWriter, I32, SIMD, V128, writeModule } from './wasm-writer.ts';

export interface FilterGradGeometry {
  /** Input channels. */
  ci: number;
  /** Floats from one x row to the next (x's width · ci). */
  rowStride: number;
  fh: number;
  fw: number;
  dh: number;
  dw: number;
  /** 4-float vectors of output channels in this block (1–4). */
  vectors: number;
}

export interface FilterGradKernel {
  /** Filter rows fh·fw·ci, and the same rounded up to whole tiles (the rows `out` must hold). */
  rows: number;
  paddedRows: number;
  /**
   * out[r·4V + j] += Σ over n images, ho × wo pixels. Pointers are byte offsets; x advances by
   * xColBytes per output column, xRowBytes per output row, xImageBytes per image; dy by
   * dyPixelBytes per pixel (dy points at this block's first channel).
   */
  run(x: number, dy: number, out: number, n: number, ho: number, wo: number, xImageBytes: number, xRowBytes: number, xColBytes: number, dyPixelBytes: number): void;
}

interface Exports {
  run(offsets: number, tiles: number, x: number, dy: number, out: number, n: number, ho: number, wo: number, xImageBytes: number, xRowBytes: number, xColBytes: number, dyPixelBytes: number): void;
}

export function rowsPerTile(vectors: number): number {
  return Math.max(1, Math.floor((13 - 1 - vectors) / vectors));
}

/**
 * One function per V (and R): the x offsets of a tile's rows come from a table, so the code is
 * small and compiles (and tiers up) in a few milliseconds.
 *   for image: for tile: load R offsets; zero R·V accumulators;
 *     for oh: for ow: load V dy vectors; for k < R: s = splat(x[p + offset_k]); acc[k][j] += s·dy[j]
 *     out[tile rows] += accumulators
 */
function filterGradWriter(V: number, fma: boolean): FunctionWriter {
  const R = rowsPerTile(V);
  const f = new FunctionWriter('run', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], [], fma);
  const [offsets, tiles, x, dy, out, n, ho, wo, xImageBytes, xRowBytes, xColBytes, dyPixelBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const image = f.local(I32);
  const tile = f.local(I32);
  const oh = f.local(I32);
  const ow = f.local(I32);
  const xRow = f.local(I32);
  const dp = f.local(I32);
  const dyImage = f.local(I32);
  const xImage = f.local(I32);
  const dyImageBytes = f.local(I32);
  const table = f.local(I32);
  const outTile = f.local(I32);
  const rowPointers = Array.from({ length: R }, () => f.local(I32));
  const off = Array.from({ length: R }, () => f.local(I32));
  const acc = Array.from({ length: R * V }, () => f.local(V128));
  const d = Array.from({ length: V }, () => f.local(V128));
  const s = f.local(V128);
  f.get(ho).get(wo).i32Mul().get(dyPixelBytes).i32Mul().set(dyImageBytes);
  f.get(x).set(xImage);
  f.get(dy).set(dyImage);
  f.loopWhileBelow(image, n, 1, () => {
    f.get(offsets).set(table);
    f.get(out).set(outTile);
    f.i32(0).set(tile);
    f.loopWhileBelow(tile, tiles, 1, () => {
      for (let k = 0; k < R; k++) f.get(table).i32Load(4 * k).set(off[k]!);
      for (let k = 0; k < R * V; k++) f.f32(0).simd(SIMD.f32x4Splat).set(acc[k]!);
      f.get(xImage).set(xRow);
      f.get(dyImage).set(dp);
      f.i32(0).set(oh);
      f.loopWhileBelow(oh, ho, 1, () => {
        for (let k = 0; k < R; k++) f.get(xRow).get(off[k]!).i32Add().set(rowPointers[k]!);
        f.i32(0).set(ow);
        f.loopWhileBelow(ow, wo, 1, () => {
          for (let j = 0; j < V; j++) f.get(dp).v128Load(16 * j).set(d[j]!);
          for (let k = 0; k < R; k++) {
            f.get(rowPointers[k]!).v128Load32Splat().set(s);
            for (let j = 0; j < V; j++) {
              const a = acc[k * V + j]!;
              f.mulAdd(() => f.get(s), () => f.get(d[j]!), () => f.get(a)).set(a);
            }
            f.get(rowPointers[k]!).get(xColBytes).i32Add().set(rowPointers[k]!);
          }
          f.get(dp).get(dyPixelBytes).i32Add().set(dp);
        });
        f.get(xRow).get(xRowBytes).i32Add().set(xRow);
      });
      for (let k = 0; k < R; k++) {
        for (let j = 0; j < V; j++) {
          const at = 16 * (k * V + j);
          f.get(outTile).get(outTile).v128Load(at).get(acc[k * V + j]!).simd(SIMD.f32x4Add).v128Store(at);
        }
      }
      f.add(table, 4 * R).add(outTile, 16 * R * V);
    });
    f.get(xImage).get(xImageBytes).i32Add().set(xImage);
    f.get(dyImage).get(dyImageBytes).i32Add().set(dyImage);
  });
  return f;
}

/** Compiles the kernel for each V once per memory, and keeps a row-offset table per geometry. */
export class FilterGradKernels {
  private readonly modules = new Map<number, Exports>();
  private readonly kernels = new Map<string, FilterGradKernel>();
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly malloc: (bytes: number) => number,
    private readonly free: (at: number) => void,
    private readonly fma: boolean,
  ) {}

  private module(V: number): Exports {
    let exports = this.modules.get(V);
    if (!exports) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
      const bytes = writeModule([filterGradWriter(V, this.fma)], shared);
      if (!WebAssembly.validate(bytes)) throw new Error('generated filter-gradient module does not validate');
      const compiled = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory } }).exports as unknown as Exports;
      // Tier-up (see warmUp in simd-kernels.ts): one tile of one pixel, with zero offsets (reads
      // the bottom of the heap, harmlessly) into a temporary block.
      const R = rowsPerTile(V);
      const scratch = this.malloc(4 * R + 16 * R * V) >>> 0;
      new Int32Array(this.memory.buffer, scratch, R).fill(0);
      for (let i = 0; i < 200; i++) compiled.run(scratch, 1, 0, 0, scratch + 4 * R, 1, 1, 1, 0, 0, 0, 0);
      this.free(scratch);
      exports = compiled;
      this.modules.set(V, exports);
    }
    return exports;
  }

  get(g: FilterGradGeometry): FilterGradKernel {
    const key = `${g.ci},${g.rowStride},${g.fh},${g.fw},${g.dh},${g.dw},${g.vectors}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      const exports = this.module(g.vectors);
      const R = rowsPerTile(g.vectors);
      const rows = g.fh * g.fw * g.ci;
      const tiles = Math.ceil(rows / R);
      const paddedRows = tiles * R;
      // Byte offsets of each filter row (kh, kw, ci) from a window's top-left pixel; padding rows
      // repeat offset 0 (their sums land in rows the caller ignores).
      const table = this.malloc(4 * paddedRows) >>> 0;
      const offsets = new Int32Array(this.memory.buffer, table, paddedRows);
      offsets.fill(0);
      let r = 0;
      for (let kh = 0; kh < g.fh; kh++) {
        for (let kw = 0; kw < g.fw; kw++) {
          for (let c = 0; c < g.ci; c++) offsets[r++] = 4 * (kh * g.dh * g.rowStride + kw * g.dw * g.ci + c);
        }
      }
      kernel = {
        rows,
        paddedRows,
        run: (x, dy, out, n, ho, wo, xImageBytes, xRowBytes, xColBytes, dyPixelBytes) =>
          exports.run(table, tiles, x, dy, out, n, ho, wo, xImageBytes, xRowBytes, xColBytes, dyPixelBytes),
      };
      this.kernels.set(key, kernel);
    }
    return kernel;
  }
}
