/**
 * The two gradients of a 2-D convolution, each written as one forward convolution so that they run
 * in XNNPACK's convolution (the fastest code in the wasm backend) instead of scalar loops.
 *
 * Forward (NHWC, filter [fh, fw, ci, co], stride s, dilation d, top/left padding pt/pl):
 *   y[n, oh, ow, co] = Σ_{kh, kw, ci} x[n, oh·s − pt + kh·d, ow·s − pl + kw·d, ci] · w[kh, kw, ci, co]
 *
 * Filter gradient. Summing over n, oh, ow:
 *   dw[kh, kw, ci, co] = Σ_{oh, ow, n} x[n, kh·d + oh·s − pt, …, ci] · dy[n, oh, ow, co]
 * Read x as a batch of ci images with n channels, xᵀ = [ci, H, W, n], and dy as a filter
 * dyᵀ = [Ho, Wo, n, co]: this is a forward convolution of xᵀ with dyᵀ whose stride is d and whose
 * dilation is s (the roles swap), padded by pt/pl at the top/left; the bottom/right padding is chosen
 * so that the output is exactly fh × fw (when that padding is negative, x is cropped instead). The
 * result, [ci, fh, fw, co], is transposed to [fh, fw, ci, co].
 *
 * Input gradient. With dy up-sampled by s (s − 1 zeros between its rows and columns), dyᵘ, and
 * k' = fh − 1 − kh:
 *   dx[n, i, j, ci] = Σ_{k', co} dyᵘ[n, i − pt' + k'·d, …, co] · w'[k', …, co, ci]
 *   with pt' = (fh − 1)·d − pt and w'[k', l', co, ci] = w[fh − 1 − k', fw − 1 − l', ci, co]
 * i.e. a stride-1 convolution of dyᵘ (dilation d, padding pt' on top and whatever makes the output
 * H rows at the bottom) with the spatially flipped, in/out-transposed filter. For s = 1 and
 * non-negative paddings nothing is copied; otherwise dyᵘ is materialised with its padding.
 *
 * Both kernels accept an optional `dilations` attribute (TensorFlow.js's own gradient never passes
 * one; it refuses dilated convolutions), so callers that compute dilated gradients can use them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, free, offsetOf, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo, type WasmKernels } from './heap.ts';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { simdFor } from './simd-kernels.ts';

export interface ConvGeometry {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(v: number | [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

function convInfo(tf: TensorFlow, xShape: number[], filterShape: number[], g: ConvGeometry) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    g.strides,
    pair(g.dilations),
    g.pad,
    g.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function checkNHWC(dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`wasm conv gradients support NHWC only, not ${String(dataFormat)}`);
}

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
  const [n, h, w, ci] = x.shape as [number, number, number, number];
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

/**
 * x as the windows of a convolution see it: hp × wp pixels per image, x's pixel (i, j) at
 * (i + pt, j + pl), zeros around, rows or columns beyond hp × wp dropped. x itself when that is
 * already the case (no top/left padding, large enough); otherwise a new tensor (`owned`).
 */
export function windowed(backend: BackendWasm, x: TensorInfo, hp: number, wp: number, pt: number, pl: number): { source: TensorInfo; rows: number; width: number; owned: boolean } {
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  if (pt === 0 && pl === 0 && h >= hp && w >= wp) return { source: x, rows: h, width: w, owned: false };
  const source = alloc(backend, [n, hp, wp, ci]);
  const dst = f32(backend, source);
  const src = f32(backend, x);
  dst.fill(0);
  const j0 = Math.max(0, pl);
  const j1 = Math.min(wp, w + pl);
  if (j1 > j0) {
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < hp; i++) {
        const si = i - pt;
        if (si < 0 || si >= h) continue;
        const sOff = ((b * h + si) * w + (j0 - pl)) * ci;
        dst.set(src.subarray(sOff, sOff + (j1 - j0) * ci), ((b * hp + i) * wp + j0) * ci);
      }
    }
  }
  return { source, rows: hp, width: wp, owned: true };
}

/**
 * Whether convolutions go through conv-simd.ts (single-threaded, faster on one thread) or
 * XNNPACK (which scales with the threaded build). 'auto': SIMD unless XNNPACK has > 1 thread.
 */
let convolutionRoute: 'auto' | 'simd' | 'xnnpack' = 'auto';
export function setConvolutionRoute(route: 'auto' | 'simd' | 'xnnpack'): void {
  convolutionRoute = route;
}

export function useSimdConvolution(backend: BackendWasm, outChannels: number): boolean {
  if (convolutionRoute === 'xnnpack' || outChannels % 4 !== 0 || simdFor(backend) === undefined) return false;
  return convolutionRoute === 'simd' || getThreadsCount() <= 1;
}

/**
 * The wasm backend's own (XNNPACK) Conv2D, with the padding materialised first in two cases where
 * tfjs-backend-wasm 4.22 writes past its output buffer (heap corruption, then "memory access out
 * of bounds" much later):
 *  - numeric padding (pad: 1): TensorFlow.js computes the output size with the height's stride and
 *    filter size for both dimensions (computeOutputShape2D), XNNPACK with the real ones; with
 *    different strides or filter sizes per dimension XNNPACK's output is larger than the buffer.
 *    Every backend returns the first outHeight × outWidth positions of the true output; cropping
 *    the input to exactly the windows of those positions makes XNNPACK produce just them.
 *  - 1×1 filters with padding (XNNPACK's 1×1 path ignores it).
 */
export function xnnConv2d(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, attrs: tfjs.NamedAttrMap): TensorInfo {
  const [fh, fw] = filter.shape as [number, number];
  if (typeof attrs.pad === 'number' || (fh === 1 && fw === 1 && attrs.pad !== 'valid')) {
    const info = convInfo(tf, x.shape, filter.shape, geometry(attrs));
    const { top, left } = info.padInfo;
    const hp = (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
    const wp = (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
    const { source, owned } = windowed(backend, x, hp, wp, top, left);
    const out = kernels.run('Conv2D', backend, { x: source, filter }, { ...attrs, pad: 'valid', dimRoundingMode: undefined } as unknown as tfjs.NamedAttrMap);
    if (owned) free(backend, source);
    return out;
  }
  return kernels.run('Conv2D', backend, { x, filter }, attrs);
}

/** y = conv(x, w) with conv-simd.ts (see its comment); any stride, dilation and padding. */
export function conv2dSimd(tf: TensorFlow, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, x.shape, filter.shape, g);
  const [n, , , ci] = x.shape as [number, number, number, number];
  const { outHeight: ho, outWidth: wo, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const out = alloc(backend, [n, ho, wo, co]);
  if (n * ho * wo * co === 0) return out;
  const hp = (ho - 1) * sh + (fh - 1) * dh + 1;
  const wp = (wo - 1) * sw + (fw - 1) * dw + 1;
  const { source, rows, width, owned } = windowed(backend, x, hp, wp, info.padInfo.top, info.padInfo.left);
  const simd = simdFor(backend)!;
  const xAt = offsetOf(backend, source);
  const wAt = offsetOf(backend, filter);
  const yAt = offsetOf(backend, out);
  for (let cb = 0; cb < co; cb += 16) {
    const vectors = Math.min(16, co - cb) / 4;
    const kernel = simd.conv.get({ ci, rowStride: width * ci, fh, fw, dh, dw, colStride: sw * ci, co, vectors });
    kernel.run(xAt, wAt + cb * 4, yAt + cb * 4, n, ho, wo, rows * width * ci * 4, sh * width * ci * 4, co * 4, wo * co * 4);
  }
  if (owned) free(backend, source);
  return out;
}

/** dw = conv(xᵀ, dyᵀ): batch ci, channels n, filter dyᵀ = [Ho, Wo, n, co], stride d, dilation s. */
function filterGradDyAsFilter(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, x.shape, filterShape, g);
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [, ho, wo, co] = dy.shape as [number, number, number, number];
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  // Rows of (padded) x the convolution must see so that the output has exactly fh rows.
  let pb = (fh - 1) * dh + (ho - 1) * sh + 1 - h - pt;
  let pr = (fw - 1) * dw + (wo - 1) * sw + 1 - w - pl;
  const hUsed = pb < 0 ? h + pb : h;
  const wUsed = pr < 0 ? w + pr : w;
  pb = Math.max(pb, 0);
  pr = Math.max(pr, 0);

  // xᵀ[c, i, j, b] = x[b, i, j, c] over the rows and columns used.
  const xT = alloc(backend, [ci, hUsed, wUsed, n]);
  {
    const src = f32(backend, x);
    const dst = f32(backend, xT);
    // Sequential writes, strided reads (the faster order for this permutation).
    const imageStride = h * w * ci;
    let d = 0;
    for (let c = 0; c < ci; c++) {
      for (let i = 0; i < hUsed; i++) {
        for (let j = 0; j < wUsed; j++) {
          let s = (i * w + j) * ci + c;
          for (let b = 0; b < n; b++, s += imageStride) dst[d++] = src[s]!;
        }
      }
    }
  }
  // dyᵀ[oh, ow, b, o] = dy[b, oh, ow, o]: blocks of co floats move.
  const dyT = alloc(backend, [ho, wo, n, co]);
  moveBlocks(f32(backend, dy), f32(backend, dyT), n, ho * wo, co);
  const out = xnnConv2d(tf, kernels, backend, xT, dyT, {
    strides: [dh, dw],
    dilations: [sh, sw],
    pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
    dataFormat: 'NHWC',
  });
  free(backend, xT);
  free(backend, dyT);
  if (out.shape[1] !== fh || out.shape[2] !== fw) throw new Error(`filter gradient has shape ${out.shape}, expected [${ci},${fh},${fw},${co}]`);
  // [ci, fh, fw, co] → [fh, fw, ci, co]
  const result = alloc(backend, filterShape);
  moveBlocks(f32(backend, out), f32(backend, result), ci, fh * fw, co);
  free(backend, out);
  return result;
}

/**
 * dw = flip(conv(dyᵘᵀ, xᵀ)): batch co, channels n, filter xᵀ = [H, W, n, ci], stride d; the input
 * dyᵘᵀ = [co, Hu, Wu, n] is dy up-sampled by s and padded by (fh − 1)·d − pt on top. Output row u
 * is filter row fh − 1 − u, because i = oh·s − pt + (fh − 1 − u)·d.
 */
function filterGradXAsFilter(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, x.shape, filterShape, g);
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [, ho, wo, co] = dy.shape as [number, number, number, number];
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const hu = (ho - 1) * sh + 1;
  const wu = (wo - 1) * sw + 1;
  const padTop = (fh - 1) * dh - info.padInfo.top;
  const padLeft = (fw - 1) * dw - info.padInfo.left;
  const padBottom = h - hu + info.padInfo.top;
  const padRight = w - wu + info.padInfo.left;

  // xᵀ[i, j, b, c] = x[b, i, j, c]
  const xT = alloc(backend, [h, w, n, ci]);
  moveBlocks(f32(backend, x), f32(backend, xT), n, h * w, ci);

  const materialise = sh !== 1 || sw !== 1 || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0;
  let input: TensorInfo;
  let pad: tfjs.backend_util.ExplicitPadding | 'valid';
  const src = () => f32(backend, dy);
  if (!materialise) {
    // dyᵀ[o, oh, ow, b] = dy[b, oh, ow, o]
    input = alloc(backend, [co, ho, wo, n]);
    const s = src();
    const dst = f32(backend, input);
    const pixels = ho * wo;
    const imageStride = pixels * co;
    let d = 0;
    for (let o = 0; o < co; o++) {
      for (let p = 0; p < pixels; p++) {
        let k = p * co + o;
        for (let b = 0; b < n; b++, k += imageStride) dst[d++] = s[k]!;
      }
    }
    pad = [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]];
  } else {
    const hp = padTop + hu + padBottom;
    const wp = padLeft + wu + padRight;
    input = alloc(backend, [co, hp, wp, n]);
    const dst = f32(backend, input);
    dst.fill(0);
    const s = src();
    for (let o = 0; o < co; o++) {
      for (let oh = 0; oh < ho; oh++) {
        const r = padTop + oh * sh;
        if (r < 0 || r >= hp) continue;
        for (let ow = 0; ow < wo; ow++) {
          const c = padLeft + ow * sw;
          if (c < 0 || c >= wp) continue;
          let k = (oh * wo + ow) * co + o;
          const d0 = ((o * hp + r) * wp + c) * n;
          for (let b = 0; b < n; b++, k += ho * wo * co) dst[d0 + b] = s[k]!;
        }
      }
    }
    pad = 'valid';
  }
  const out = xnnConv2d(tf, kernels, backend, input, xT, { strides: [dh, dw], dilations: [1, 1], pad, dataFormat: 'NHWC' });
  free(backend, input);
  free(backend, xT);
  if (out.shape[1] !== fh || out.shape[2] !== fw) throw new Error(`filter gradient has shape ${out.shape}, expected [${co},${fh},${fw},${ci}]`);
  // dw[kh, kw, c, o] = out[o, fh-1-kh, fw-1-kw, c]
  const result = alloc(backend, filterShape);
  {
    const s = f32(backend, out);
    const d = f32(backend, result);
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        const dBase = (kh * fw + kw) * ci * co;
        const sPixel = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * ci;
        for (let c = 0; c < ci; c++) {
          for (let o = 0; o < co; o++) d[dBase + c * co + o] = s[(o * fh * fw) * ci + sPixel + c]!;
        }
      }
    }
  }
  free(backend, out);
  return result;
}

/** [a, b, c] → [b, a, c]: contiguous blocks of c floats change places. */
function moveBlocks(src: Float32Array, dst: Float32Array, a: number, b: number, c: number): void {
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const s = (i * b + j) * c;
      const d = (j * a + i) * c;
      for (let k = 0; k < c; k++) dst[d + k] = src[s + k]!;
    }
  }
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
    input = alloc(backend, [n, hp, wp, co]);
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
          const d = ((b * hp + r) * wp + c) * co;
          for (let o = 0; o < co; o++) dst[d + o] = src[s + o]!;
        }
      }
    }
    pad = 'valid' as unknown as tfjs.backend_util.ExplicitPadding;
  }
  if (useSimdConvolution(backend, ci)) {
    const out = conv2dSimd(tf, backend, input, flipped, { strides: 1, dilations: [dh, dw], pad: pad as ConvGeometry['pad'] });
    if (materialise) free(backend, input);
    free(backend, flipped);
    return out;
  }
  const out = xnnConv2d(tf, kernels, backend, input, flipped, { strides: [1, 1], dilations: [dh, dw], pad, dataFormat: 'NHWC' });
  if (materialise) free(backend, input);
  free(backend, flipped);
  if (out.shape[1] !== h || out.shape[2] !== w || out.shape[3] !== ci) throw new Error(`input gradient has shape ${out.shape}, expected ${inputShape}`);
  return out;
}

function geometry(attrs: tfjs.NamedAttrMap): ConvGeometry {
  checkNHWC(attrs.dataFormat);
  return {
    strides: attrs.strides as ConvGeometry['strides'],
    pad: attrs.pad as ConvGeometry['pad'],
    dilations: (attrs.dilations as ConvGeometry['dilations']) ?? 1,
    dimRoundingMode: attrs.dimRoundingMode as ConvGeometry['dimRoundingMode'],
  };
}

export function conv2dBackpropKernels(tf: TensorFlow, kernels: WasmKernels): tfjs.KernelConfig[] {
  return [
    {
      kernelName: 'Conv2D',
      backendName: 'wasm',
      kernelFunc: ((args: KernelArgs) => {
        const { inputs, backend, attrs } = args;
        if (!useSimdConvolution(backend, inputs.filter!.shape[3]!) || (attrs!.dataFormat !== undefined && attrs!.dataFormat !== 'NHWC')) {
          return xnnConv2d(tf, kernels, backend, inputs.x!, inputs.filter!, attrs!);
        }
        return conv2dSimd(tf, backend, inputs.x!, inputs.filter!, geometry(attrs!));
      }) as unknown as tfjs.KernelFunc,
    },
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
