/**
 * Batch normalisation in training mode as one forward and one backward kernel, each two passes
 * over the activations (x is read as [M, C]: every axis but the last is reduced).
 *
 * Forward, with M = N·H·W values per channel c:
 *   μ = Σx / M,  σ² = Σx² / M − μ²  (sums in float64; the biased variance, as tf.moments gives)
 *   y = γ·(x − μ)/√(σ² + ε) + β = a·(x − μ) + β  with a = γ·r, r = 1/√(σ² + ε)
 * The kernel returns y, μ and σ² (the layer blends the last two into its moving statistics).
 *
 * Backward, with x̂ = (x − μ)·r, given dy and the (usually zero) gradients dμ, dσ² of the μ and σ²
 * outputs:
 *   dβ = Σdy,  dγ = Σdy·x̂ = r·(Σdy·x − μ·Σdy)
 *   dx = γ·r·(dy − dβ/M − x̂·dγ/M) + dμ/M + 2·dσ²·(x − μ)/M
 * which is again linear per channel: dx = A·dy + B·(x − μ) + C0 with
 *   A = γ·r,  B = −γ·r²·dγ/M + 2·dσ²/M,  C0 = (dμ − γ·r·dβ)/M.
 * (Both passes subtract μ before scaling: a·x + (β − a·μ) would cancel when |μ| ≫ σ.)
 * TensorFlow.js builds the same thing from ~40 kernels (moments, FusedBatchNorm and a gradient that
 * tiles r to the full activation size), ~25 passes over the data.
 *
 * With C a multiple of 4 both passes run as WebAssembly SIMD (simd-kernels.ts). The sums are then
 * taken of x − k, k = the first pixel's values (forward), and of dy·(x − μ) (backward), in float32
 * over blocks of 256 pixels that are added up in float64, so E[x²] − μ² does not cancel. Otherwise
 * plain JavaScript loops with float64 sums do the same.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

/** Pixels per SIMD partial sum (float32) before it is added into the float64 totals. */
const BLOCK = 256;

export const BATCH_NORM_TRAIN = 'CnnStudioBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'CnnStudioBatchNormTrainGrad';

let sum1 = new Float64Array(0);
let sum2 = new Float64Array(0);
function scratch(c: number): void {
  if (sum1.length < c) {
    sum1 = new Float64Array(c);
    sum2 = new Float64Array(c);
  }
}

/** Per-channel Σa and Σa·b over [M, C] (b = a gives Σa²). */
function channelSums(a: Float32Array, b: Float32Array, c: number): void {
  scratch(c);
  sum1.fill(0, 0, c);
  sum2.fill(0, 0, c);
  const s1 = sum1;
  const s2 = sum2;
  const n = a.length;
  for (let base = 0; base < n; base += c) {
    for (let k = 0; k < c; k++) {
      const v = a[base + k]!;
      s1[k] = s1[k]! + v;
      s2[k] = s2[k]! + v * b[base + k]!;
    }
  }
}

/** out = p·(u − s) + r per channel. */
function channelAffine(out: Float32Array, u: Float32Array, s: Float32Array, p: Float32Array, r: Float32Array, c: number): void {
  const n = out.length;
  for (let base = 0; base < n; base += c) {
    for (let k = 0; k < c; k++) out[base + k] = p[k]! * (u[base + k]! - s[k]!) + r[k]!;
  }
}

/** out = p·u + q·(v − s) + r per channel. */
function channelAffine2(out: Float32Array, u: Float32Array, p: Float32Array, v: Float32Array, s: Float32Array, q: Float32Array, r: Float32Array, c: number): void {
  const n = out.length;
  for (let base = 0; base < n; base += c) {
    for (let k = 0; k < c; k++) out[base + k] = p[k]! * u[base + k]! + q[k]! * (v[base + k]! - s[k]!) + r[k]!;
  }
}

function forward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { x, scale, offset } = inputs;
  const epsilon = attrs!.varianceEpsilon as number;
  const c = x!.shape[x!.shape.length - 1]!;
  const m = x!.shape.reduce((a, b) => a * b, 1) / c;
  const y = alloc(backend, x!.shape);
  const mean = alloc(backend, [c]);
  const variance = alloc(backend, [c]);
  const simd = m > 0 ? simdFor(backend) : undefined;
  const fns = simd?.channels(c);
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const meanOut = new Float64Array(c);
  const varOut = new Float64Array(c);
  if (simd && fns) {
    const kAt = simd.scratch;
    const sumsAt = kAt + 4 * c;
    const xAt = offsetOf(backend, x!);
    const shift = f32(backend, x!).slice(0, c);
    simd.view(kAt, c).set(shift);
    scratch(c);
    sum1.fill(0, 0, c);
    sum2.fill(0, 0, c);
    for (let start = 0; start < m; start += BLOCK) {
      fns.statsShifted(xAt + start * c * 4, kAt, sumsAt, Math.min(BLOCK, m - start));
      const sums = simd.view(sumsAt, 2 * c);
      for (let k = 0; k < c; k++) {
        sum1[k] = sum1[k]! + sums[k]!;
        sum2[k] = sum2[k]! + sums[c + k]!;
      }
    }
    for (let k = 0; k < c; k++) {
      const d = sum1[k]! / m;
      meanOut[k] = shift[k]! + d;
      varOut[k] = Math.max(sum2[k]! / m - d * d, 0);
    }
  } else {
    const xs = f32(backend, x!);
    channelSums(xs, xs, c);
    for (let k = 0; k < c; k++) {
      const meanK = sum1[k]! / m;
      meanOut[k] = meanK;
      varOut[k] = Math.max(sum2[k]! / m - meanK * meanK, 0);
    }
  }
  const gamma = f32(backend, scale!);
  b.set(f32(backend, offset!));
  for (let k = 0; k < c; k++) a[k] = gamma[k]! / Math.sqrt(varOut[k]! + epsilon);
  const mu = f32(backend, mean);
  mu.set(meanOut);
  f32(backend, variance).set(varOut);
  if (simd && fns) {
    const kAt = simd.scratch;
    const pAt = kAt + 4 * c;
    const rAt = pAt + 4 * c;
    simd.view(kAt, c).set(mu);
    simd.view(pAt, c).set(a);
    simd.view(rAt, c).set(b);
    fns.affine(offsetOf(backend, x!), kAt, pAt, rAt, offsetOf(backend, y), m);
  } else {
    channelAffine(f32(backend, y), f32(backend, x!), f32(backend, mean), a, b, c);
  }
  return [y, mean, variance];
}

function backward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { dy, x, scale, mean, variance, dmean, dvariance } = inputs;
  const epsilon = attrs!.varianceEpsilon as number;
  const c = x!.shape[x!.shape.length - 1]!;
  const m = x!.shape.reduce((a, b) => a * b, 1) / c;
  const dx = alloc(backend, x!.shape);
  const dscale = alloc(backend, [c]);
  const doffset = alloc(backend, [c]);
  const simd = m > 0 ? simdFor(backend) : undefined;
  const fns = simd?.channels(c);
  const mu = f32(backend, mean!).slice();
  // sumDy[k] = Σdy, sumDyX[k] = Σdy·(x − μ)
  const sumDy = new Float64Array(c);
  const sumDyX = new Float64Array(c);
  if (simd && fns) {
    const kAt = simd.scratch;
    const sumsAt = kAt + 4 * c;
    simd.view(kAt, c).set(mu);
    const dyAt = offsetOf(backend, dy!);
    const xAt = offsetOf(backend, x!);
    for (let start = 0; start < m; start += BLOCK) {
      fns.statsGradient(dyAt + start * c * 4, xAt + start * c * 4, kAt, sumsAt, Math.min(BLOCK, m - start));
      const sums = simd.view(sumsAt, 2 * c);
      for (let k = 0; k < c; k++) {
        sumDy[k] = sumDy[k]! + sums[k]!;
        sumDyX[k] = sumDyX[k]! + sums[c + k]!;
      }
    }
  } else {
    channelSums(f32(backend, dy!), f32(backend, x!), c);
    for (let k = 0; k < c; k++) {
      sumDy[k] = sum1[k]!;
      sumDyX[k] = sum2[k]! - mu[k]! * sum1[k]!;
    }
  }
  const gamma = f32(backend, scale!);
  const v = f32(backend, variance!);
  const dMu = dmean ? f32(backend, dmean) : null;
  const dVar = dvariance ? f32(backend, dvariance) : null;
  const dGamma = f32(backend, dscale);
  const dBeta = f32(backend, doffset);
  const A = new Float32Array(c);
  const B = new Float32Array(c);
  const C0 = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const r = 1 / Math.sqrt(v[k]! + epsilon);
    const dg = r * sumDyX[k]!;
    dGamma[k] = dg;
    dBeta[k] = sumDy[k]!;
    const gr = gamma[k]! * r;
    const dm = dMu ? dMu[k]! : 0;
    const dv = dVar ? dVar[k]! : 0;
    A[k] = gr;
    B[k] = (-gr * r * dg + 2 * dv) / m;
    C0[k] = (dm - gr * sumDy[k]!) / m;
  }
  if (simd && fns) {
    const pAt = simd.scratch;
    const kAt = pAt + 4 * c;
    const qAt = kAt + 4 * c;
    const rAt = qAt + 4 * c;
    simd.view(pAt, c).set(A);
    simd.view(kAt, c).set(mu);
    simd.view(qAt, c).set(B);
    simd.view(rAt, c).set(C0);
    fns.affine2(offsetOf(backend, dy!), pAt, offsetOf(backend, x!), kAt, qAt, rAt, offsetOf(backend, dx), m);
  } else {
    channelAffine2(f32(backend, dx), f32(backend, dy!), A, f32(backend, x!), mu, B, C0, c);
  }
  return [dx, dscale, doffset];
}

export function batchNormKernels(): tfjs.KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: forward as unknown as tfjs.KernelFunc },
    { kernelName: BATCH_NORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: backward as unknown as tfjs.KernelFunc },
  ];
}

/** y, μ, σ² of batch normalisation over every axis but the last (see the file comment). */
export function batchNormTraining(tf: TensorFlow, x: tfjs.Tensor, scale: tfjs.Tensor, offset: tfjs.Tensor, varianceEpsilon: number): [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor] {
  return tf.engine().runKernel(BATCH_NORM_TRAIN, { x, scale, offset }, { varianceEpsilon }) as unknown as [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor];
}

export function registerBatchNormGradient(tf: TensorFlow): void {
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dmean, dvariance] = dys as tfjs.Tensor[];
      const [x, scale, mean, variance] = saved as [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor, tfjs.Tensor];
      // One kernel gives all three gradients; the thunks only hand them out. They are created in
      // the engine's backward scope, which disposes whichever ones are not used.
      const [dx, dscale, doffset] = tf.engine().runKernel(
        BATCH_NORM_TRAIN_GRAD,
        { dy: dy!, x, scale, mean, variance, dmean: dmean!, dvariance: dvariance! },
        attrs,
      ) as unknown as tfjs.Tensor[];
      return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
    },
  });
}
