/**
 * The two gradients of a 2-D convolution on wasm (Conv2DBackpropFilter, which the backend lacks,
 * and Conv2DBackpropInput, which it has but runs 7× slower than a forward convolution).
 *
 * Forward (NHWC, filter [fh, fw, ci, co], stride s, dilation d, top/left padding pt/pl):
 *   y[n, oh, ow, co] = Σ_{kh, kw, ci} x[n, oh·s − pt + kh·d, ow·s − pl + kw·d, ci] · w[kh, kw, ci, co]
 *
 * Filter gradient: dw[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s − pt + kh·d, …, ci] · dy[n, oh, ow, co],
 * by the generated SIMD kernel (filter-grad-simd.ts) over a zero-padded copy of x when needed, or
 * as an XNNPACK convolution (filter-grad-xnnpack.ts) when co is not a multiple of 4.
 *
 * Input gradient. With dy up-sampled by s (s − 1 zeros between its rows and columns), dyᵘ, and
 * k' = fh − 1 − kh:
 *   dx[n, i, j, ci] = Σ_{k', co} dyᵘ[n, i − pt' + k'·d, …, co] · w'[k', …, co, ci]
 *   with pt' = (fh − 1)·d − pt and w'[k', l', co, ci] = w[fh − 1 − k', fw − 1 − l', ci, co]
 * i.e. a stride-1 forward convolution of dyᵘ (dilation d, padding pt' on top and whatever makes the
 * output H rows at the bottom) with the spatially flipped, in/out-transposed filter, run by
 * conv2d.ts (SIMD or XNNPACK). For s = 1 and non-negative paddings dy is used as it is.
 *
 * Both kernels accept an optional `dilations` attribute (TensorFlow.js's own gradient never passes
 * one; it refuses dilated convolutions), so callers that compute dilated gradients can use them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { convInfo, geometry, windowed, type ConvGeometry } from './conv-geometry.ts';
import { conv2dKernel, runConvPlan, useSimdConvolution, xnnConv2d } from './conv2d.ts';
import type { ConvPlan } from './conv-simd.ts';
import { filterGradDyAsFilter, filterGradXAsFilter } from './filter-grad-xnnpack.ts';
import { alloc, f32, free, offsetOf, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo, type WasmKernels } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

export type { ConvGeometry } from './conv-geometry.ts';
export { setConvolutionRoute } from './conv2d.ts';

export type FilterGradMethod = 'simd' | 'dy-filter' | 'x-filter';

/** Largest number of filter rows (fh·fw·ci) the generated SIMD kernel is built for. */
const MAX_SIMD_ROWS = 2304;

/**
 * dw, by default with the generated SIMD kernel (filter-grad-simd.ts) when the output channels
 * come in fours; otherwise as an XNNPACK convolution, with the formulation whose packed filter is
 * smaller (XNNPACK repacks the filter of every new convolution, and here it is an activation).
 */
export function conv2dBackpropFilter(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry, method?: FilterGradMethod): TensorInfo {
  const [fh, fw, ci, co] = filterShape as [number, number, number, number];
  const simdPossible = co % 4 === 0 && fh * fw * ci <= MAX_SIMD_ROWS && simdFor(backend) !== undefined;
  if (method === 'simd' || (method === undefined && simdPossible)) {
    if (!simdPossible) throw new Error('the SIMD filter gradient needs output channels in fours and the SIMD kernels');
    return filterGradSimd(tf, backend, x, dy, filterShape, g);
  }
  const xSize = x.shape[1]! * x.shape[2]! * x.shape[3]!;
  const dySize = dy.shape[1]! * dy.shape[2]! * dy.shape[3]!;
  const chosen = method ?? (xSize < dySize ? 'x-filter' : 'dy-filter');
  return chosen === 'x-filter' ? filterGradXAsFilter(tf, kernels, backend, x, dy, filterShape, g) : filterGradDyAsFilter(tf, kernels, backend, x, dy, filterShape, g);
}

/** dw = Pᵀ·dy with the generated kernel, over a zero-padded copy of x when the geometry needs one. */
function filterGradSimd(tf: TensorFlow, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, x.shape, filterShape, g);
  const [n, , , ci] = x.shape as [number, number, number, number];
  const [, ho, wo, co] = dy.shape as [number, number, number, number];
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const result = alloc(backend, filterShape);
  f32(backend, result).fill(0);
  if (n * ho * wo === 0) return result;
  // Rows and columns of (padded) x that the windows reach.
  const hp = (ho - 1) * sh + (fh - 1) * dh + 1;
  const wp = (wo - 1) * sw + (fw - 1) * dw + 1;
  const { source, rows, width, owned } = windowed(backend, x, hp, wp, pt, pl);
  const simd = simdFor(backend)!;
  const xAt = offsetOf(backend, source);
  const dyAt = offsetOf(backend, dy);
  const filterRows = fh * fw * ci;
  for (let cb = 0; cb < co; cb += 16) {
    const vectors = Math.min(16, co - cb) / 4;
    const kernel = simd.filterGrad.get({ ci, rowStride: width * ci, fh, fw, dh, dw, vectors });
    const direct = vectors * 4 === co && kernel.paddedRows === filterRows;
    const out = direct ? result : alloc(backend, [kernel.paddedRows, vectors * 4]);
    if (!direct) f32(backend, out).fill(0);
    kernel.run(xAt, dyAt + cb * 4, offsetOf(backend, out), n, ho, wo, rows * width * ci * 4, sh * width * ci * 4, sw * ci * 4, co * 4);
    if (!direct) {
      const src = f32(backend, out);
      const dst = f32(backend, result);
      const bw = vectors * 4;
      for (let r = 0; r < filterRows; r++) {
        for (let j = 0; j < bw; j++) dst[r * co + cb + j] = src[r * bw + j]!;
      }
      free(backend, out);
    }
  }
  if (owned) free(backend, source);
  return result;
}

/** dx = conv(dyᵘ, flipped wᵀ) — see the file comment. */
export function conv2dBackpropInput(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, inputShape: number[], dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, inputShape, filter.shape, g);
  const [n, h, w, ci] = inputShape as [number, number, number, number];
  const [, ho, wo, co] = dy.shape as [number, number, number, number];
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = (fh - 1) * dh - info.padInfo.top;
  const pl = (fw - 1) * dw - info.padInfo.left;
  const hu = (ho - 1) * sh + 1;
  const wu = (wo - 1) * sw + 1;
  const pb = h + (fh - 1) * dh - hu - pt;
  const pr = w + (fw - 1) * dw - wu - pl;

  if (useSimdConvolution(backend, ci)) return conv2dBackpropInputSimd(backend, dy, filter, { n, h, w, ci, ho, wo, co, fh, fw, sh, sw, dh, dw, pt, pl });

  // w'[k', l', o, c] = w[fh-1-k', fw-1-l', c, o]
  const flipped = alloc(backend, [fh, fw, co, ci]);
  {
    const src = f32(backend, filter);
    const dst = f32(backend, flipped);
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        const sBase = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * ci * co;
        const dBase = (kh * fw + kw) * co * ci;
        for (let c = 0; c < ci; c++) {
          for (let o = 0; o < co; o++) dst[dBase + o * ci + c] = src[sBase + c * co + o]!;
        }
      }
    }
  }

  let input = dy;
  let pad: tfjs.backend_util.ExplicitPadding = [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  const materialise = sh !== 1 || sw !== 1 || pt < 0 || pb < 0 || pl < 0 || pr < 0;
  if (materialise) {
    // dyᵘ with its padding (or cropping) applied, so that the convolution is 'valid'.
    const hp = pt + hu + pb;
    const wp = pl + wu + pr;
    input = upsampled(backend, dy, sh, sw, hp, wp, pt, pl);
    pad = 'valid' as unknown as tfjs.backend_util.ExplicitPadding;
  }
  const out = xnnConv2d(tf, kernels, backend, input, flipped, { strides: [1, 1], dilations: [dh, dw], pad, dataFormat: 'NHWC' });
  if (materialise) free(backend, input);
  free(backend, flipped);
  if (out.shape[1] !== h || out.shape[2] !== w || out.shape[3] !== ci) throw new Error(`input gradient has shape ${out.shape}, expected ${inputShape}`);
  return out;
}

/**
 * [n, ho, wo, co] dy spread out by the strides into [n, hp, wp, co]: dy[oh, ow] at
 * (pt + oh·sh, pl + ow·sw), zeros elsewhere (positions outside are dropped).
 */
function upsampled(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number, hp: number, wp: number, pt: number, pl: number): TensorInfo {
  const [n, ho, wo, co] = dy.shape as [number, number, number, number];
  const input = alloc(backend, [n, hp, wp, co]);
  const dst = f32(backend, input);
  dst.fill(0);
  const src = f32(backend, dy);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      const r = pt + oh * sh;
      if (r < 0 || r >= hp) continue;
      for (let ow = 0; ow < wo; ow++) {
        const c = pl + ow * sw;
        if (c < 0 || c >= wp) continue;
        const s = ((b * ho + oh) * wo + ow) * co;
        dst.set(src.subarray(s, s + co), ((b * hp + r) * wp + c) * co);
      }
    }
  }
  return input;
}

interface InputGradientGeometry {
  n: number; h: number; w: number; ci: number; ho: number; wo: number; co: number;
  fh: number; fw: number; sh: number; sw: number; dh: number; dw: number;
  /** Padding of the transposed convolution: (filter − 1)·dilation − the forward padding. */
  pt: number; pl: number;
}

/**
 * The input gradient as a direct transposed convolution (conv-simd.ts): dx pixel (i, j) adds
 * dy[i − pt + k'·d, j − pl + l'·d]·w[fh − 1 − k', fw − 1 − l'] over just the taps that land in dy,
 * so the zeros of the padding are never multiplied (a full convolution of zero-padded dy does a
 * third more multiply-adds on round 10). A stride above 1 spreads dy out with zeros first.
 * The weights are transposed to [fh, fw, co, ci] (ci contiguous, the output channels here);
 * the tap table flips them.
 */
function conv2dBackpropInputSimd(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: InputGradientGeometry): TensorInfo {
  const { n, h, w, ci, ho, wo, co, fh, fw, sh, sw, dh, dw, pt, pl } = g;
  const transposed = alloc(backend, [fh, fw, co, ci]);
  {
    const src = f32(backend, filter);
    const dst = f32(backend, transposed);
    for (let k = 0; k < fh * fw; k++) {
      const base = k * ci * co;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) dst[base + o * ci + c] = src[base + c * co + o]!;
      }
    }
  }
  const strided = sh !== 1 || sw !== 1;
  const hu = (ho - 1) * sh + 1;
  const wu = (wo - 1) * sw + 1;
  const input = strided ? upsampled(backend, dy, sh, sw, hu, wu, 0, 0) : dy;
  const out = alloc(backend, [n, h, w, ci]);
  const plan: ConvPlan = {
    n, h: hu, w: wu, ci: co, ho: h, wo: w, co: ci, fh, fw, sh: 1, sw: 1, dh, dw, pt, pl,
    weightRow: (k, l, o) => 4 * (((fh - 1 - k) * fw + (fw - 1 - l)) * co + o) * ci,
    weightLayout: `flipped hwoi ${ci}`,
  };
  if (n * h * w * ci > 0) runConvPlan(backend, plan, offsetOf(backend, input), offsetOf(backend, transposed), out);
  if (strided) free(backend, input);
  free(backend, transposed);
  return out;
}

export function conv2dBackpropKernels(tf: TensorFlow, kernels: WasmKernels): tfjs.KernelConfig[] {
  return [
    conv2dKernel(tf, kernels),
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) =>
        conv2dBackpropFilter(tf, kernels, backend, inputs.x!, inputs.dy!, attrs!.filterShape as number[], geometry(attrs!))) as unknown as tfjs.KernelFunc,
    },
    {
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) =>
        conv2dBackpropInput(tf, kernels, backend, attrs!.inputShape as number[], inputs.dy!, inputs.filter!, geometry(attrs!))) as unknown as tfjs.KernelFunc,
    },
  ];
}
