/**
 * Batch normalisation in training mode as one forward and one backward kernel, each two passes
 * over the activations (x is read as [M, C]: every axis but the last is reduced).
 *
 * Forward, with M = N·H·W values per channel c:
 *   μ = Σx / M,  σ² = Σx² / M − μ²  (sums in float64; the biased variance, as tf.moments gives)
 *   y = γ·(x − μ)/√(σ² + ε) + β = a·x + b  with a = γ·r, b = β − μ·a, r = 1/√(σ² + ε)
 * The kernel returns y, μ and σ² (the layer blends the last two into its moving statistics).
 *
 * Backward, with x̂ = (x − μ)·r, given dy and the (usually zero) gradients dμ, dσ² of the μ and σ²
 * outputs:
 *   dβ = Σdy,  dγ = Σdy·x̂ = r·(Σdy·x − μ·Σdy)
 *   dx = γ·r·(dy − dβ/M − x̂·dγ/M) + dμ/M + 2·dσ²·(x − μ)/M
 * which is again linear per channel: dx = A·dy + B·x + C0 with
 *   A = γ·r,  B = −γ·r²·dγ/M + 2·dσ²/M,  C0 = −γ·r·dβ/M + γ·r²·dγ·μ/M + dμ/M − 2·dσ²·μ/M.
 * TensorFlow.js builds the same thing from ~40 kernels (moments, FusedBatchNorm and a gradient that
 * tiles r to the full activation size), ~25 passes over the data.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';

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

/** out = p·u + q·v + r per channel (q may be null: out = p·u + r). */
function channelAffine(out: Float32Array, u: Float32Array, p: Float32Array, v: Float32Array | null, q: Float32Array | null, r: Float32Array, c: number): void {
  const n = out.length;
  if (v && q) {
    for (let base = 0; base < n; base += c) {
      for (let k = 0; k < c; k++) out[base + k] = p[k]! * u[base + k]! + q[k]! * v[base + k]! + r[k]!;
    }
  } else {
    for (let base = 0; base < n; base += c) {
      for (let k = 0; k < c; k++) out[base + k] = p[k]! * u[base + k]! + r[k]!;
    }
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
  const xs = f32(backend, x!);
  channelSums(xs, xs, c);
  const mu = f32(backend, mean);
  const v = f32(backend, variance);
  const gamma = f32(backend, scale!);
  const beta = f32(backend, offset!);
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const meanK = sum1[k]! / m;
    const varK = Math.max(sum2[k]! / m - meanK * meanK, 0);
    mu[k] = meanK;
    v[k] = varK;
    const ak = gamma[k]! / Math.sqrt(varK + epsilon);
    a[k] = ak;
    b[k] = beta[k]! - meanK * ak;
  }
  channelAffine(f32(backend, y), xs, a, null, null, b, c);
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
  const g = f32(backend, dy!);
  const xs = f32(backend, x!);
  channelSums(g, xs, c);
  const gamma = f32(backend, scale!);
  const mu = f32(backend, mean!);
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
    const sumDy = sum1[k]!;
    const dg = r * (sum2[k]! - mu[k]! * sumDy);
    dGamma[k] = dg;
    dBeta[k] = sumDy;
    const gr = gamma[k]! * r;
    const dm = dMu ? dMu[k]! : 0;
    const dv = dVar ? dVar[k]! : 0;
    A[k] = gr;
    B[k] = (-gr * r * dg + 2 * dv) / m;
    C0[k] = (-gr * sumDy + gr * r * dg * mu[k]! + dm - 2 * dv * mu[k]!) / m;
  }
  channelAffine(f32(backend, dx), g, A, xs, B, C0, c);
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
