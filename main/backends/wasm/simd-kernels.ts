/**
 * WebAssembly SIMD versions of the element-wise and per-channel loops of the fused kernels,
 * generated at run time (wasm-writer.ts) and instantiated against the wasm backend's own memory,
 * so they read and write tensors in place. Plain JavaScript loops over Float32Array views of the
 * heap cost ~2 ns per element (scalar, bounds-checked, with float32↔float64 conversions, and
 * ~5 ns when a data-dependent branch mispredicts); these run 4 lanes at a time at ~0.2–0.4 ns.
 *
 * Activations are NHWC, so a pixel's C channels are contiguous: with C a multiple of 4 every
 * per-channel parameter is C/4 vectors kept in locals, and the code is specialised per C (one
 * small module per channel count, built on first use).
 *
 * Per-channel functions (pointers are byte offsets, `pixels` counts rows of C floats):
 *   statsShifted(x, k, out, pixels)      out[0:C] = Σ(x − k), out[C:2C] = Σ(x − k)²
 *   statsGradient(dy, x, k, out, pixels) out[0:C] = Σdy,     out[C:2C] = Σdy·(x − k)
 *   affine(u, k, p, r, out, pixels)         out = p·(u − k) + r
 *   affine2(u, p, v, k, q, r, out, pixels)  out = p·u + q·(v − k) + r
 * (subtracting k, the mean, before scaling keeps the results accurate when |μ| ≫ σ)
 *   maxPoolGrad2x2(x, dy, dx, ho, wo, rowBytes) one image of a 2×2, stride-2, unpadded max pool
 * The sums are float32 within a call; callers pass ≤ 256 pixels at a time and add the partial
 * sums in float64, and shift by a value near the mean, so variances do not cancel.
 * Flat functions (n4 = number of 4-float vectors; callers finish the last n mod 4 elements):
 *   reluGrad(dy, x, out, n4)             out = x > 0 ? dy : 0 (NaN where x is NaN)
 *   pad(src, dst, n, h, hp, pt, srcImageBytes, srcRowBytes, srcColBytes, dstRowBytes, leftBytes, copyBytes)
 *       [n, h, ·] → [n, hp, ·] rows: row i of dst is src row i − pt (from byte srcColBytes,
 *       copyBytes long, after leftBytes of zeros, zeros to the end) or all zeros; bulk-memory
 *       copy/fill, for the zero-padded inputs of convolutions.
 *   dropout(x, y, n4, state, threshold, scale)
 *       four xoshiro128** streams, lane l of every vector drawing from stream l (state: 4×4 u32 at
 *       `state`, s0 of the four streams first, written back at the end); keep where the u32 ≥
 *       threshold: y = x·(keep ? scale : 0). The same call on dy with the same state is dx.
 */
import type { BackendWasm } from './heap.ts';
import { ConvKernels } from './conv-simd.ts';
import { wasmFeatures } from './features.ts';
import { NormKernels } from './norm-kernels.ts';
import { FilterGradKernels } from './filter-grad-simd.ts';
import { F32, FunctionWriter, I32, SIMD, V128, writeModule } from './wasm-writer.ts';

export interface ChannelFunctions {
  statsShifted(x: number, k: number, out: number, pixels: number): void;
  statsGradient(dy: number, x: number, k: number, out: number, pixels: number): void;
  affine(u: number, k: number, p: number, r: number, out: number, pixels: number): void;
  affine2(u: number, p: number, v: number, k: number, q: number, r: number, out: number, pixels: number): void;
  maxPoolGrad2x2(x: number, dy: number, dx: number, ho: number, wo: number, rowBytes: number): void;
}

export interface FlatFunctions {
  reluGrad(dy: number, x: number, out: number, n4: number): void;
  pad(src: number, dst: number, n: number, h: number, hp: number, pt: number, srcImageBytes: number, srcRowBytes: number, srcColBytes: number, dstRowBytes: number, leftBytes: number, copyBytes: number): void;
  dropout(x: number, y: number, n4: number, state: number, threshold: number, scale: number): void;
}

/** Largest channel count with specialised code (larger ones use the JavaScript loops). */
export const MAX_SIMD_CHANNELS = 128;

function channelModule(c: number): FunctionWriter[] {
  const groups = c / 4;
  const stride = c * 4;
  const range = Array.from({ length: groups }, (_, g) => g);

  const statsShifted = new FunctionWriter('statsShifted', [I32, I32, I32, I32]);
  {
    const f = statsShifted;
    const [x, k, out, pixels] = [0, 1, 2, 3];
    const p = f.local(I32);
    const shift = range.map(() => f.local(V128));
    const s1 = range.map(() => f.local(V128));
    const s2 = range.map(() => f.local(V128));
    const d = f.local(V128);
    for (const g of range) f.get(k).v128Load(16 * g).set(shift[g]!);
    f.loopWhileBelow(p, pixels, 1, () => {
      for (const g of range) {
        f.get(x).v128Load(16 * g).get(shift[g]!).simd(SIMD.f32x4Sub).tee(d);
        f.get(s1[g]!).simd(SIMD.f32x4Add).set(s1[g]!);
        f.get(d).get(d).simd(SIMD.f32x4Mul).get(s2[g]!).simd(SIMD.f32x4Add).set(s2[g]!);
      }
      f.add(x, stride);
    });
    for (const g of range) {
      f.get(out).get(s1[g]!).v128Store(16 * g);
      f.get(out).get(s2[g]!).v128Store(stride + 16 * g);
    }
  }

  const statsGradient = new FunctionWriter('statsGradient', [I32, I32, I32, I32, I32]);
  {
    const f = statsGradient;
    const [dy, x, k, out, pixels] = [0, 1, 2, 3, 4];
    const p = f.local(I32);
    const shift = range.map(() => f.local(V128));
    const s1 = range.map(() => f.local(V128));
    const s2 = range.map(() => f.local(V128));
    const g0 = f.local(V128);
    for (const g of range) f.get(k).v128Load(16 * g).set(shift[g]!);
    f.loopWhileBelow(p, pixels, 1, () => {
      for (const g of range) {
        f.get(dy).v128Load(16 * g).tee(g0).get(s1[g]!).simd(SIMD.f32x4Add).set(s1[g]!);
        f.get(x).v128Load(16 * g).get(shift[g]!).simd(SIMD.f32x4Sub).get(g0).simd(SIMD.f32x4Mul);
        f.get(s2[g]!).simd(SIMD.f32x4Add).set(s2[g]!);
      }
      f.add(dy, stride).add(x, stride);
    });
    for (const g of range) {
      f.get(out).get(s1[g]!).v128Store(16 * g);
      f.get(out).get(s2[g]!).v128Store(stride + 16 * g);
    }
  }

  const affine = new FunctionWriter('affine', [I32, I32, I32, I32, I32, I32]);
  {
    const f = affine;
    const [u, kp, pp, rp, out, pixels] = [0, 1, 2, 3, 4, 5];
    const i = f.local(I32);
    const K = range.map(() => f.local(V128));
    const P = range.map(() => f.local(V128));
    const R = range.map(() => f.local(V128));
    for (const g of range) {
      f.get(kp).v128Load(16 * g).set(K[g]!);
      f.get(pp).v128Load(16 * g).set(P[g]!);
      f.get(rp).v128Load(16 * g).set(R[g]!);
    }
    f.loopWhileBelow(i, pixels, 1, () => {
      for (const g of range) {
        f.get(out).get(u).v128Load(16 * g).get(K[g]!).simd(SIMD.f32x4Sub).get(P[g]!).simd(SIMD.f32x4Mul);
        f.get(R[g]!).simd(SIMD.f32x4Add).v128Store(16 * g);
      }
      f.add(u, stride).add(out, stride);
    });
  }

  const affine2 = new FunctionWriter('affine2', [I32, I32, I32, I32, I32, I32, I32, I32]);
  {
    const f = affine2;
    const [u, pp, v, kp, qp, rp, out, pixels] = [0, 1, 2, 3, 4, 5, 6, 7];
    const i = f.local(I32);
    const P = range.map(() => f.local(V128));
    const K = range.map(() => f.local(V128));
    const Q = range.map(() => f.local(V128));
    const R = range.map(() => f.local(V128));
    for (const g of range) {
      f.get(pp).v128Load(16 * g).set(P[g]!);
      f.get(kp).v128Load(16 * g).set(K[g]!);
      f.get(qp).v128Load(16 * g).set(Q[g]!);
      f.get(rp).v128Load(16 * g).set(R[g]!);
    }
    f.loopWhileBelow(i, pixels, 1, () => {
      for (const g of range) {
        f.get(out);
        f.get(u).v128Load(16 * g).get(P[g]!).simd(SIMD.f32x4Mul);
        f.get(v).v128Load(16 * g).get(K[g]!).simd(SIMD.f32x4Sub).get(Q[g]!).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
        f.get(R[g]!).simd(SIMD.f32x4Add).v128Store(16 * g);
      }
      f.add(u, stride).add(v, stride).add(out, stride);
    });
  }

  const maxPoolGrad = new FunctionWriter('maxPoolGrad2x2', [I32, I32, I32, I32, I32, I32]);
  {
    // First strict maximum in window order (0,0), (0,1), (1,0), (1,1), starting from −∞, as the
    // cpu backend scans: a NaN or −∞ window element never wins; an all-NaN window gets nothing.
    const f = maxPoolGrad;
    const [x, dy, dx, ho, wo, rowBytes] = [0, 1, 2, 3, 4, 5];
    const r = f.local(I32);
    const col = f.local(I32);
    const p0 = f.local(I32);
    const p1 = f.local(I32);
    const d0 = f.local(I32);
    const d1 = f.local(I32);
    const negInf = f.local(V128);
    const best = f.local(V128);
    const m = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
    const u = f.local(V128);
    const g0 = f.local(V128);
    const xv = f.local(V128);
    f.f32(-Infinity).simd(SIMD.f32x4Splat).set(negInf);
    f.loopWhileBelow(r, ho, 1, () => {
      // p0/d0: first row of the window pair, p1/d1: the second
      f.get(x).get(r).get(rowBytes).i32Mul().i32(2).i32Mul().i32Add().set(p0);
      f.get(p0).get(rowBytes).i32Add().set(p1);
      f.get(dx).get(r).get(rowBytes).i32Mul().i32(2).i32Mul().i32Add().set(d0);
      f.get(d0).get(rowBytes).i32Add().set(d1);
      f.i32(0).set(col);
      f.loopWhileBelow(col, wo, 1, () => {
        for (const g of range) {
          const offsets = [[p0, 16 * g], [p0, stride + 16 * g], [p1, 16 * g], [p1, stride + 16 * g]] as const;
          f.get(negInf).set(best);
          offsets.forEach(([base, offset], k) => {
            f.get(base).v128Load(offset).tee(xv).get(best).simd(SIMD.f32x4Gt).set(u);
            f.get(xv).get(best).get(u).simd(SIMD.bitselect).set(best);
            for (let j = 0; j < k; j++) f.get(m[j]!).get(u).simd(SIMD.andnot).set(m[j]!);
            f.get(u).set(m[k]!);
          });
          f.get(dy).v128Load(16 * g).set(g0);
          const outs = [[d0, 16 * g], [d0, stride + 16 * g], [d1, 16 * g], [d1, stride + 16 * g]] as const;
          outs.forEach(([base, offset], k) => {
            f.get(base).get(g0).get(m[k]!).simd(SIMD.and).v128Store(offset);
          });
        }
        f.add(p0, 2 * stride).add(p1, 2 * stride).add(d0, 2 * stride).add(d1, 2 * stride).add(dy, stride);
      });
    });
  }
  return [statsShifted, statsGradient, affine, affine2, maxPoolGrad];
}

function flatModule(): FunctionWriter[] {
  const reluGrad = new FunctionWriter('reluGrad', [I32, I32, I32, I32]);
  {
    const f = reluGrad;
    const [dy, x, out, n4] = [0, 1, 2, 3];
    const i = f.local(I32);
    const zero = f.local(V128);
    const nan = f.local(V128);
    const xv = f.local(V128);
    f.f32(0).simd(SIMD.f32x4Splat).set(zero);
    f.f32(NaN).simd(SIMD.f32x4Splat).set(nan);
    f.loopWhileBelow(i, n4, 1, () => {
      f.get(out);
      f.get(nan);
      f.get(dy).v128Load().get(x).v128Load().tee(xv).get(zero).simd(SIMD.f32x4Gt).simd(SIMD.and);
      f.get(xv).get(xv).simd(SIMD.f32x4Ne).simd(SIMD.bitselect);
      f.v128Store();
      f.add(dy, 16).add(x, 16).add(out, 16);
    });
  }

  const dropout = new FunctionWriter('dropout', [I32, I32, I32, I32, I32, F32]);
  {
    const f = dropout;
    const [x, y, n4, state, threshold, scale] = [0, 1, 2, 3, 4, 5];
    const i = f.local(I32);
    const s = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)] as const;
    const t = f.local(V128);
    const r = f.local(V128);
    const m = f.local(V128);
    const thr = f.local(V128);
    const sc = f.local(V128);
    const five = f.local(V128);
    const nine = f.local(V128);
    s.forEach((local, k) => f.get(state).v128Load(16 * k).set(local));
    f.get(threshold).simd(SIMD.i32x4Splat).set(thr);
    f.get(scale).simd(SIMD.f32x4Splat).set(sc);
    f.i32(5).simd(SIMD.i32x4Splat).set(five);
    f.i32(9).simd(SIMD.i32x4Splat).set(nine);
    const rotl = (local: number, bits: number) => {
      f.get(local).i32(bits).simd(SIMD.i32x4Shl).get(local).i32(32 - bits).simd(SIMD.i32x4ShrU).simd(SIMD.or);
    };
    const xorInto = (target: number, source: number) => {
      f.get(target).get(source).simd(SIMD.xor).set(target);
    };
    f.loopWhileBelow(i, n4, 1, () => {
      // r = rotl(s1·5, 7)·9
      f.get(s[1]).get(five).simd(SIMD.i32x4Mul).set(r);
      rotl(r, 7);
      f.get(nine).simd(SIMD.i32x4Mul).set(r);
      // t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
      f.get(s[1]).i32(9).simd(SIMD.i32x4Shl).set(t);
      xorInto(s[2], s[0]);
      xorInto(s[3], s[1]);
      xorInto(s[1], s[2]);
      xorInto(s[0], s[3]);
      xorInto(s[2], t);
      rotl(s[3], 11);
      f.set(s[3]);
      // mask = r ≥ threshold (unsigned) ? scale : 0
      f.get(r).get(thr).simd(SIMD.i32x4GeU).get(sc).simd(SIMD.and).set(m);
      f.get(y).get(x).v128Load().get(m).simd(SIMD.f32x4Mul).v128Store();
      f.add(x, 16).add(y, 16);
    });
    s.forEach((local, k) => f.get(state).get(local).v128Store(16 * k));
  }
  const pad = new FunctionWriter('pad', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  {
    const f = pad;
    const [src, dst, n, h, hp, pt, srcImageBytes, srcRowBytes, srcColBytes, dstRowBytes, leftBytes, copyBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const b = f.local(I32);
    const i = f.local(I32);
    const row = f.local(I32);
    const image = f.local(I32);
    const rightBytes = f.local(I32);
    f.get(dstRowBytes).get(leftBytes).i32Sub().get(copyBytes).i32Sub().set(rightBytes);
    f.get(src).get(srcColBytes).i32Add().set(image);
    f.loopWhileBelow(b, n, 1, () => {
      f.i32(0).set(i);
      f.loopWhileBelow(i, hp, 1, () => {
        // source row i − pt, as unsigned: out of range ⇔ ≥ h
        f.get(i).get(pt).i32Sub().tee(row).get(h).i32LtU().ifElse(
          () => {
            f.get(dst).i32(0).get(leftBytes).memoryFill();
            f.get(dst).get(leftBytes).i32Add().get(image).get(row).get(srcRowBytes).i32Mul().i32Add().get(copyBytes).memoryCopy();
            f.get(dst).get(leftBytes).i32Add().get(copyBytes).i32Add().i32(0).get(rightBytes).memoryFill();
          },
          () => {
            f.get(dst).i32(0).get(dstRowBytes).memoryFill();
          },
        );
        f.get(dst).get(dstRowBytes).i32Add().set(dst);
      });
      f.get(image).get(srcImageBytes).i32Add().set(image);
    });
  }
  return [reluGrad, dropout, pad];
}

/** The wasm module's linear memory (the threaded build's is shared). */
export function wasmMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * V8 starts every wasm function in its baseline compiler (Liftoff, ~4× slower here) and tiers it
 * up to TurboFan, in the background, only after it has run for a while; a kernel called once per
 * training step would spend the first dozens of steps in baseline code. A couple of hundred calls
 * on a tiny problem right after compiling use up that budget (~1 ms).
 */
export function warmUp(call: () => void, times = 200): void {
  for (let i = 0; i < times; i++) call();
}

function instantiate(functions: FunctionWriter[], memory: WebAssembly.Memory): WebAssembly.Exports {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = writeModule(functions, shared);
  if (!WebAssembly.validate(bytes)) throw new Error('generated SIMD module does not validate');
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
}

/** SIMD functions for one backend instance (its memory), plus a scratch block in its heap. */
export class SimdKernels {
  private readonly perChannels = new Map<number, ChannelFunctions>();
  readonly flat: FlatFunctions;
  /** Convolution filter gradients (filter-grad-simd.ts). */
  readonly filterGrad: FilterGradKernels;
  /** Direct convolutions (conv-simd.ts). */
  readonly conv: ConvKernels;
  /** BatchNorm blocks with their ReLUs and Dropout fused in (norm-kernels.ts). */
  readonly norm: NormKernels;
  /** 8 KiB of the wasm heap for per-channel vectors, partial sums and RNG state. */
  readonly scratch: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    malloc: (bytes: number) => number,
    free: (at: number) => void,
    /** Multiply-adds fused (relaxed SIMD). */
    readonly fma: boolean,
  ) {
    this.flat = instantiate(flatModule(), memory) as unknown as FlatFunctions;
    this.scratch = malloc(8192) >>> 0;
    this.filterGrad = new FilterGradKernels(memory, malloc, free, fma);
    this.conv = new ConvKernels(memory, malloc, free, fma);
    this.norm = new NormKernels(memory, fma, this.scratch);
    const at = this.scratch;
    warmUp(() => this.flat.reluGrad(at, at, at + 1024, 1));
    warmUp(() => this.flat.dropout(at, at + 1024, 1, at + 4096, 0, 1));
    warmUp(() => this.flat.pad(at, at + 1024, 1, 1, 2, 0, 16, 16, 0, 32, 8, 16));
  }

  channels(c: number): ChannelFunctions | undefined {
    if (c % 4 !== 0 || c > MAX_SIMD_CHANNELS) return undefined;
    let functions = this.perChannels.get(c);
    if (!functions) {
      const fns = instantiate(channelModule(c), this.memory) as unknown as ChannelFunctions;
      // Everything inside the 8 KiB scratch block (C ≤ 128: 2 pixels of 2 rows = 2 KiB).
      const at = this.scratch;
      warmUp(() => fns.statsShifted(at, at, at + 2048, 1));
      warmUp(() => fns.statsGradient(at, at, at, at + 2048, 1));
      warmUp(() => fns.affine(at, at, at, at, at + 2048, 1));
      warmUp(() => fns.affine2(at, at, at, at, at, at, at + 2048, 1));
      warmUp(() => fns.maxPoolGrad2x2(at, at, at + 2048, 1, 1, 8 * c));
      this.perChannels.set(c, fns);
      functions = fns;
    }
    return functions;
  }

  /** A fresh float32 view of `count` floats at byte offset `at` (the heap may have grown). */
  view(at: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, count);
  }
}

/** Per backend, the kernels built without (index 0) and with (index 1) fused multiply-adds. */
const byBackend = new WeakMap<object, [SimdKernels | null | undefined, SimdKernels | null | undefined]>();

/**
 * The SIMD kernels for this backend, with fused multiply-adds where the runtime has them
 * (features.ts), or undefined when SIMD is off or the backend's memory cannot be imported.
 */
export function simdFor(backend: BackendWasm): SimdKernels | undefined {
  if (!simdEnabled) return undefined;
  const features = wasmFeatures();
  if (!features.simd) return undefined;
  const fma = features.fma ? 1 : 0;
  let built = byBackend.get(backend);
  if (!built) byBackend.set(backend, (built = [undefined, undefined]));
  let kernels = built[fma];
  if (kernels === undefined) {
    const memory = wasmMemory(backend);
    const { _malloc: malloc, _free: free } = backend.wasm as unknown as { _malloc?: (n: number) => number; _free?: (at: number) => void };
    kernels = null;
    if (memory && malloc && free) {
      try {
        kernels = new SimdKernels(memory, malloc, free, fma === 1);
      } catch (error) {
        console.warn(`wasm SIMD kernels unavailable, using JavaScript loops: ${(error as Error).message}`);
        kernels = null;
      }
    }
    built[fma] = kernels;
  }
  return kernels ?? undefined;
}

let simdEnabled = true;
/** Turns the SIMD paths off (for tests of the JavaScript fallbacks and for measurements). */
export function setSimdEnabled(enabled: boolean): void {
  simdEnabled = enabled;
}
