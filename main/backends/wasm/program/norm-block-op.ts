/**
 * A BatchNorm layer with the ReLU before it, the ReLU after it and the Dropout after that (any of
 * the three optional) as one op of a training program: two passes over the activations each way
 * (norm-kernels.ts) instead of six, no full-size temporaries between the layers, and the dropout
 * mask kept as bits. The statistics, the moving averages, the scale a = γ/√(σ² + ε) and the
 * backward's coefficients are computed exactly as batch-norm.ts and the layers' program ops do,
 * so the block trains the same model as the layers one by one.
 */
import { seededRandom } from '../../../data/random.ts';
import { dropoutSeed } from '../dropout.ts';
import { alloc, f32, offsetOf, type TensorInfo } from '../heap.ts';
import type { NormFunctions, NormVariant } from '../norm-kernels.ts';
import { MAX_SIMD_CHANNELS, simdFor } from '../simd-kernels.ts';
import type { KernelCalls } from './kernel-calls.ts';
import type { LayerOp, Weight, WeightGradients } from './layer-ops.ts';

/** Pixels per float32 partial sum before it is added into the float64 totals. */
const BLOCK = 256;

/** The layers of a block: what the op reads of tfjs-layers' BatchNormalization and Dropout. */
export interface NormBlockLayers {
  name: string;
  pre: boolean;
  post: boolean;
  batchNorm: { gamma: Weight; beta: Weight; movingMean: Weight; movingVariance: Weight; momentum: number; epsilon: number };
  /** The Dropout layer (its rate and the seed the trainer gives it before each batch), if any. */
  dropout: { rate: number; seed?: number } | null;
}

const infoOf = (w: Weight): TensorInfo => {
  const t = w.read();
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
};

/** Whether a block over `channels` channels can run fused here (SIMD, channels in fours up to 128). */
export function canFuseNorm(calls: KernelCalls, channels: number): boolean {
  return channels % 4 === 0 && channels <= MAX_SIMD_CHANNELS && simdFor(calls.backend) !== undefined;
}

export function normBlockOp(calls: KernelCalls, block: NormBlockLayers, channels: number): LayerOp {
  const c = channels;
  const bn = block.batchNorm;
  const variant: NormVariant = { pre: block.pre, post: block.post, drop: block.dropout !== null };
  const keepFactor = Math.fround(1 - bn.momentum);
  const dropRate = block.dropout?.rate ?? 0;
  const keepScale = 1 / (1 - dropRate);
  const threshold = Math.min(Math.floor(dropRate * 4294967296), 4294967295) | 0;
  let saved: { x: TensorInfo; mean: Float32Array; variance: Float32Array; a: Float32Array; mask: TensorInfo | null } | null = null;

  const kernels = (): { fns: NormFunctions; scratch: number; view: (at: number, n: number) => Float32Array } => {
    const simd = simdFor(calls.backend)!;
    return { fns: simd.norm.get(c, variant), scratch: simd.scratch, view: (at, n) => simd.view(at, n) };
  };

  /** Σ over blocks of ≤ 256 pixels of a two-sum kernel call, in float64. */
  const sums = (call: (start: number, pixels: number, out: number) => void, pixels: number, out: number, view: (at: number, n: number) => Float32Array) => {
    const s1 = new Float64Array(c);
    const s2 = new Float64Array(c);
    for (let start = 0; start < pixels; start += BLOCK) {
      call(start, Math.min(BLOCK, pixels - start), out);
      const part = view(out, 2 * c);
      for (let k = 0; k < c; k++) {
        s1[k] = s1[k]! + part[k]!;
        s2[k] = s2[k]! + part[c + k]!;
      }
    }
    return [s1, s2] as const;
  };

  const blend = (variable: Weight, value: Float32Array) =>
    calls.replace(variable, (out) => {
      const v = f32(calls.backend, infoOf(variable));
      for (let k = 0; k < c; k++) out[k] = Math.fround(v[k]! - Math.fround(Math.fround(v[k]! - value[k]!) * keepFactor));
    });

  return {
    layer: block.name,
    forward([x]) {
      const { fns, scratch, view } = kernels();
      const pixels = x!.shape.reduce((a, b) => a * b, 1) / c;
      const [kAt, aAt, bAt, sumsAt, stateAt] = [scratch, scratch + 512, scratch + 1024, scratch + 1536, scratch + 4096];
      const xAt = offsetOf(calls.backend, x!);
      // The shift: the first pixel's BatchNorm input (after the ReLU when there is one).
      const first = f32(calls.backend, x!).subarray(0, c);
      view(kAt, c).set(block.pre ? first.map((v) => Math.max(v, 0)) : first);
      const shift = view(kAt, c).slice();
      const [s1, s2] = sums((start, n, out) => fns.stats(xAt + start * c * 4, kAt, out, n), pixels, sumsAt, view);
      const mean64 = new Float64Array(c);
      const variance64 = new Float64Array(c);
      for (let k = 0; k < c; k++) {
        const d = s1[k]! / pixels;
        mean64[k] = shift[k]! + d;
        variance64[k] = Math.max(s2[k]! / pixels - d * d, 0);
      }
      const gamma = f32(calls.backend, infoOf(bn.gamma));
      const a = new Float32Array(c);
      for (let k = 0; k < c; k++) a[k] = gamma[k]! / Math.sqrt(variance64[k]! + bn.epsilon);
      const mean = Float32Array.from(mean64);
      const variance = Float32Array.from(variance64);
      blend(bn.movingMean, mean);
      blend(bn.movingVariance, variance);

      const y = alloc(calls.backend, x!.shape);
      const mask = variant.drop ? alloc(calls.backend, [Math.ceil(pixels * c / 16)]) : null;
      view(kAt, c).set(mean);
      view(aAt, c).set(a);
      view(bAt, c).set(f32(calls.backend, infoOf(bn.beta)));
      if (variant.drop) {
        const seed = dropoutSeed(block.dropout!.seed == null ? Math.random : seededRandom(block.dropout!.seed));
        new Uint32Array(view(stateAt, 16).buffer, stateAt, 16).set(seed);
      }
      fns.apply(offsetOf(calls.backend, x!), kAt, aAt, bAt, offsetOf(calls.backend, y), pixels, stateAt, threshold, keepScale, mask ? offsetOf(calls.backend, mask) : 0);
      saved = { x: x!, mean, variance, a, mask };
      return y;
    },
    backward(dy, [wantX], weights: WeightGradients) {
      const { x, mean, variance, a, mask } = saved!;
      const { fns, scratch, view } = kernels();
      const pixels = x.shape.reduce((p, q) => p * q, 1) / c;
      const [kAt, aAt, bAt, sumsAt, pAt, qAt, rAt] = [scratch, scratch + 512, scratch + 1024, scratch + 1536, scratch + 2560, scratch + 3072, scratch + 3584];
      view(kAt, c).set(mean);
      view(aAt, c).set(a);
      view(bAt, c).set(f32(calls.backend, infoOf(bn.beta)));
      const dyAt = offsetOf(calls.backend, dy);
      const xAt = offsetOf(calls.backend, x);
      const maskAt = mask ? offsetOf(calls.backend, mask) : 0;
      const groups = c / 4;
      // sumDy = Σg, sumDyX = Σg·(r − μ), over the gradient g at the BatchNorm's output.
      const [sumDy, sumDyX] = sums((start, n, out) => fns.gradSums(dyAt + start * c * 4, xAt + start * c * 4, kAt, aAt, bAt, maskAt + start * groups, out, n, keepScale), pixels, sumsAt, view);
      const gamma = f32(calls.backend, infoOf(bn.gamma)).slice();
      const dGamma = alloc(calls.backend, [c]);
      const dBeta = alloc(calls.backend, [c]);
      const P = new Float32Array(c);
      const Q = new Float32Array(c);
      const R = new Float32Array(c);
      {
        const dg = f32(calls.backend, dGamma);
        const db = f32(calls.backend, dBeta);
        for (let k = 0; k < c; k++) {
          const r = 1 / Math.sqrt(variance[k]! + bn.epsilon);
          const gr = gamma[k]! * r;
          dg[k] = r * sumDyX[k]!;
          db[k] = sumDy[k]!;
          P[k] = gr;
          Q[k] = (-gr * r * dg[k]!) / pixels;
          R[k] = (-gr * sumDy[k]!) / pixels;
        }
      }
      weights.set(bn.gamma, dGamma);
      weights.set(bn.beta, dBeta);
      let dx: TensorInfo | null = null;
      if (wantX) {
        dx = alloc(calls.backend, x.shape);
        view(pAt, c).set(P);
        view(qAt, c).set(Q);
        view(rAt, c).set(R);
        fns.gradApply(offsetOf(calls.backend, dy), offsetOf(calls.backend, x), kAt, aAt, bAt, mask ? offsetOf(calls.backend, mask) : 0, pAt, qAt, rAt, offsetOf(calls.backend, dx), pixels, keepScale);
      }
      if (mask) calls.free(mask);
      saved = null;
      return [dx];
    },
    clear() {
      if (saved?.mask) calls.free(saved.mask);
      saved = null;
    },
  };
}
