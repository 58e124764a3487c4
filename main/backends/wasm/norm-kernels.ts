/**
 * A BatchNorm block as two passes each way, with what surrounds it fused in: an optional ReLU
 * before it, an optional ReLU after it, an optional Dropout last (the order of round 10's blocks:
 * conv → ReLU → BN → Dropout, and conv → BN → ReLU → Dropout). Separately those layers cost six
 * passes over the activations each way and a full-size temporary per layer; here:
 *
 *   forward   stats:  Σ(r − k), Σ(r − k)²      r = pre ? max(x, 0) : x, k ≈ the mean (a shift)
 *             apply:  z = a·(r − μ) + β;  post: z = max(z, 0);  drop: y = z·(keep ? 1/(1 − rate) : 0)
 *   backward  sums:   g = dy (dropped where dropped, zero where z ≤ 0 for post);  Σg, Σg·(r − μ)
 *             apply:  dr = A·g + B·(r − μ) + C0;  pre: dx = x > 0 ? dr : 0
 * with μ, σ², a = γ/√(σ² + ε) and A, B, C0 as batch-norm.ts derives them. The dropout draws from
 * the same four xoshiro128** streams as dropout.ts, element i from stream i mod 4, so for the same
 * seed the masks are the ones the Dropout layer draws; the forward pass keeps them, one byte of
 * four keep bits per vector (i32x4.bitmask), and the backward reads them instead of drawing again.
 *
 * Activations are NHWC with C a multiple of 4 (C/4 vectors per pixel, parameters in locals); the
 * code is specialised per C and per variant. Sums are float32 within a call, which callers keep to
 * ≤ 256 pixels and add up in float64, as for the BatchNorm kernels.
 */
import { F32, FunctionWriter, I32, SIMD, V128, writeModule } from './wasm-writer.ts';

export interface NormVariant {
  /** ReLU before the BatchNorm. */
  pre: boolean;
  /** ReLU after it. */
  post: boolean;
  /** Dropout last. */
  drop: boolean;
}

export interface NormFunctions {
  stats(x: number, k: number, out: number, pixels: number): void;
  apply(x: number, k: number, a: number, b: number, y: number, pixels: number, state: number, threshold: number, scale: number, mask: number): void;
  gradSums(dy: number, x: number, k: number, a: number, b: number, mask: number, out: number, pixels: number, scale: number): void;
  gradApply(dy: number, x: number, k: number, a: number, b: number, mask: number, p: number, q: number, r: number, dx: number, pixels: number, scale: number): void;
}

function normModule(c: number, v: NormVariant, fma: boolean): FunctionWriter[] {
  const groups = c / 4;
  const stride = c * 4;
  const range = Array.from({ length: groups }, (_, g) => g);

  /** Leaves r (the BatchNorm's input) of group g at x on the stack. */
  const input = (f: FunctionWriter, x: number, g: number, zero: number) => {
    f.get(x).v128Load(16 * g);
    if (v.pre) f.get(zero).simd(SIMD.f32x4Max);
  };

  const stats = new FunctionWriter('stats', [I32, I32, I32, I32], [], fma);
  {
    const f = stats;
    const [x, k, out, pixels] = [0, 1, 2, 3];
    const p = f.local(I32);
    const zero = f.local(V128);
    const shift = range.map(() => f.local(V128));
    const s1 = range.map(() => f.local(V128));
    const s2 = range.map(() => f.local(V128));
    const d = f.local(V128);
    f.f32(0).simd(SIMD.f32x4Splat).set(zero);
    for (const g of range) f.get(k).v128Load(16 * g).set(shift[g]!);
    f.loopWhileBelow(p, pixels, 1, () => {
      for (const g of range) {
        input(f, x, g, zero);
        f.get(shift[g]!).simd(SIMD.f32x4Sub).tee(d);
        f.get(s1[g]!).simd(SIMD.f32x4Add).set(s1[g]!);
        f.mulAdd(() => f.get(d), () => f.get(d), () => f.get(s2[g]!)).set(s2[g]!);
      }
      f.add(x, stride);
    });
    for (const g of range) {
      f.get(out).get(s1[g]!).v128Store(16 * g);
      f.get(out).get(s2[g]!).v128Store(stride + 16 * g);
    }
  }

  const apply = new FunctionWriter('apply', [I32, I32, I32, I32, I32, I32, I32, I32, F32, I32], [], fma);
  {
    const f = apply;
    const [x, kp, ap, bp, y, pixels, state, threshold, scale, mask] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const i = f.local(I32);
    const zero = f.local(V128);
    const K = range.map(() => f.local(V128));
    const A = range.map(() => f.local(V128));
    const B = range.map(() => f.local(V128));
    const z = f.local(V128);
    const s = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)] as const;
    const t = f.local(V128);
    const r = f.local(V128);
    const keep = f.local(V128);
    const thr = f.local(V128);
    const sc = f.local(V128);
    const five = f.local(V128);
    const nine = f.local(V128);
    f.f32(0).simd(SIMD.f32x4Splat).set(zero);
    for (const g of range) {
      f.get(kp).v128Load(16 * g).set(K[g]!);
      f.get(ap).v128Load(16 * g).set(A[g]!);
      f.get(bp).v128Load(16 * g).set(B[g]!);
    }
    if (v.drop) {
      s.forEach((local, n) => f.get(state).v128Load(16 * n).set(local));
      f.get(threshold).simd(SIMD.i32x4Splat).set(thr);
      f.get(scale).simd(SIMD.f32x4Splat).set(sc);
      f.i32(5).simd(SIMD.i32x4Splat).set(five);
      f.i32(9).simd(SIMD.i32x4Splat).set(nine);
    }
    const rotl = (local: number, bits: number) => {
      f.get(local).i32(bits).simd(SIMD.i32x4Shl).get(local).i32(32 - bits).simd(SIMD.i32x4ShrU).simd(SIMD.or);
    };
    const xorInto = (target: number, source: number) => f.get(target).get(source).simd(SIMD.xor).set(target);
    f.loopWhileBelow(i, pixels, 1, () => {
      for (const g of range) {
        f.mulAdd(() => { input(f, x, g, zero); f.get(K[g]!).simd(SIMD.f32x4Sub); }, () => f.get(A[g]!), () => f.get(B[g]!)).set(z);
        if (v.post) f.get(z).get(zero).simd(SIMD.f32x4Max).set(z);
        if (v.drop) {
          // xoshiro128** on four lanes, as dropout.ts: r = rotl(s1·5, 7)·9, then the state update.
          f.get(s[1]).get(five).simd(SIMD.i32x4Mul).set(r);
          rotl(r, 7);
          f.get(nine).simd(SIMD.i32x4Mul).set(r);
          f.get(s[1]).i32(9).simd(SIMD.i32x4Shl).set(t);
          xorInto(s[2], s[0]);
          xorInto(s[3], s[1]);
          xorInto(s[1], s[2]);
          xorInto(s[0], s[3]);
          xorInto(s[2], t);
          rotl(s[3], 11);
          f.set(s[3]);
          f.get(r).get(thr).simd(SIMD.i32x4GeU).set(keep);
          f.get(mask).get(keep).simd(SIMD.i32x4Bitmask).i32Store8(g);
          f.get(z).get(sc).get(keep).simd(SIMD.and).simd(SIMD.f32x4Mul).set(z);
        }
        f.get(y).get(z).v128Store(16 * g);
      }
      f.add(x, stride).add(y, stride);
      if (v.drop) f.add(mask, groups);
    });
    if (v.drop) s.forEach((local, n) => f.get(state).get(local).v128Store(16 * n));
  }

  /**
   * Leaves g, the gradient at the BatchNorm's output, for group `grp` on the stack, and r − μ in
   * `d`: dy, dropped where the forward dropped (scaled where it kept), zero where post's z ≤ 0.
   */
  const gradient = (f: FunctionWriter, locals: { dy: number; x: number; mask: number; K: number[]; A: number[]; B: number[]; d: number; z: number; zero: number; sc: number; bits: number; lanes: number }, grp: number) => {
    const { dy, x, mask, K, A, B, d, z, zero, sc, bits, lanes } = locals;
    input(f, x, grp, zero);
    f.get(K[grp]!).simd(SIMD.f32x4Sub).set(d);
    f.get(dy).v128Load(16 * grp);
    if (v.drop) {
      // The byte's four keep bits as four all-ones or all-zeros lanes.
      f.get(mask).i32Load8U(grp).simd(SIMD.i32x4Splat).get(bits).simd(SIMD.and).get(lanes).simd(SIMD.i32x4Ne);
      f.get(sc).simd(SIMD.and).simd(SIMD.f32x4Mul);
    }
    if (v.post) {
      f.mulAdd(() => f.get(d), () => f.get(A[grp]!), () => f.get(B[grp]!)).get(zero).simd(SIMD.f32x4Gt).simd(SIMD.and);
      void z;
    }
  };

  const gradLocals = (f: FunctionWriter, kp: number, ap: number, bp: number, scale: number) => {
    const zero = f.local(V128);
    const K = range.map(() => f.local(V128));
    const A = range.map(() => f.local(V128));
    const B = range.map(() => f.local(V128));
    const d = f.local(V128);
    const z = f.local(V128);
    const sc = f.local(V128);
    const bits = f.local(V128);
    const lanes = f.local(V128);
    f.f32(0).simd(SIMD.f32x4Splat).set(zero);
    f.get(scale).simd(SIMD.f32x4Splat).set(sc);
    f.v128ConstI32([1, 2, 4, 8]).set(bits);
    f.i32(0).simd(SIMD.i32x4Splat).set(lanes);
    for (const g of range) {
      f.get(kp).v128Load(16 * g).set(K[g]!);
      f.get(ap).v128Load(16 * g).set(A[g]!);
      f.get(bp).v128Load(16 * g).set(B[g]!);
    }
    return { zero, K, A, B, d, z, sc, bits, lanes };
  };

  const gradSums = new FunctionWriter('gradSums', [I32, I32, I32, I32, I32, I32, I32, I32, F32], [], fma);
  {
    const f = gradSums;
    const [dy, x, kp, ap, bp, mask, out, pixels, scale] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const i = f.local(I32);
    const l = gradLocals(f, kp, ap, bp, scale);
    const s1 = range.map(() => f.local(V128));
    const s2 = range.map(() => f.local(V128));
    const gv = f.local(V128);
    f.loopWhileBelow(i, pixels, 1, () => {
      for (const g of range) {
        gradient(f, { dy, x, mask, ...l }, g);
        f.tee(gv).get(s1[g]!).simd(SIMD.f32x4Add).set(s1[g]!);
        f.mulAdd(() => f.get(gv), () => f.get(l.d), () => f.get(s2[g]!)).set(s2[g]!);
      }
      f.add(dy, stride).add(x, stride);
      if (v.drop) f.add(mask, groups);
    });
    for (const g of range) {
      f.get(out).get(s1[g]!).v128Store(16 * g);
      f.get(out).get(s2[g]!).v128Store(stride + 16 * g);
    }
  }

  const gradApply = new FunctionWriter('gradApply', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32], [], fma);
  {
    const f = gradApply;
    const [dy, x, kp, ap, bp, mask, pp, qp, rp, dx, pixels, scale] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const i = f.local(I32);
    const l = gradLocals(f, kp, ap, bp, scale);
    const P = range.map(() => f.local(V128));
    const Q = range.map(() => f.local(V128));
    const R = range.map(() => f.local(V128));
    const gv = f.local(V128);
    for (const g of range) {
      f.get(pp).v128Load(16 * g).set(P[g]!);
      f.get(qp).v128Load(16 * g).set(Q[g]!);
      f.get(rp).v128Load(16 * g).set(R[g]!);
    }
    f.loopWhileBelow(i, pixels, 1, () => {
      for (const g of range) {
        gradient(f, { dy, x, mask, ...l }, g);
        f.set(gv);
        f.get(dx);
        // dr = P·g + Q·(r − μ) + R
        f.mulAdd(() => f.get(P[g]!), () => f.get(gv), () => f.mulAdd(() => f.get(Q[g]!), () => f.get(l.d), () => f.get(R[g]!)));
        if (v.pre) f.get(x).v128Load(16 * g).get(l.zero).simd(SIMD.f32x4Gt).simd(SIMD.and);
        f.v128Store(16 * g);
      }
      f.add(dy, stride).add(x, stride).add(dx, stride);
      if (v.drop) f.add(mask, groups);
    });
  }
  return [stats, apply, gradSums, gradApply];
}

/** Builds the module per (C, variant) on first use, against the backend's memory. */
export class NormKernels {
  private readonly modules = new Map<string, NormFunctions>();
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly fma: boolean,
    /** 8 KiB of scratch in the heap, for the tier-up calls. */
    private readonly scratch: number,
  ) {}

  get(c: number, variant: NormVariant): NormFunctions {
    const key = `${c},${variant.pre},${variant.post},${variant.drop}`;
    let fns = this.modules.get(key);
    if (!fns) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
      const bytes = writeModule(normModule(c, variant, this.fma), shared);
      if (!WebAssembly.validate(bytes)) throw new Error('generated BatchNorm-block module does not validate');
      fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory } }).exports as unknown as NormFunctions;
      // Tier-up (see warmUp in simd-kernels.ts): one pixel at a time inside the scratch block.
      const at = this.scratch;
      for (let n = 0; n < 200; n++) {
        fns.stats(at, at, at + 2048, 1);
        fns.apply(at, at, at, at, at + 2048, 1, at + 4096, 0, 1, at + 6144);
        fns.gradSums(at, at, at, at, at, at + 6144, at + 2048, 1, 1);
        fns.gradApply(at, at, at, at, at, at + 6144, at, at, at, at + 2048, 1, 1);
      }
      this.modules.set(key, fns);
    }
    return fns;
  }
}
