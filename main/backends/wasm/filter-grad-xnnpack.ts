/**
 * The filter gradient as an XNNPACK convolution, for the shapes the generated SIMD kernel
 * (filter-grad-simd.ts) does not take (output channels not a multiple of 4). Two formulations:
 *
 * dy as the filter. Summing over n, oh, ow:
 *   dw[kh, kw, ci, co] = Σ_{oh, ow, n} x[n, kh·d + oh·s − pt, …, ci] · dy[n, oh, ow, co]
 * Read x as a batch of ci images with n channels, xᵀ = [ci, H, W, n], and dy as a filter
 * dyᵀ = [Ho, Wo, n, co]: this is a forward convolution of xᵀ with dyᵀ whose stride is d and whose
 * dilation is s (the roles swap), padded by pt/pl at the top/left; the bottom/right padding is chosen
 * so that the output is exactly fh × fw (when that padding is negative, x is cropped instead). The
 * result, [ci, fh, fw, co], is transposed to [fh, fw, ci, co].
 *
 * x as the filter: conv(dyᵘᵀ, xᵀ) with dyᵘᵀ = [co, Hu, Wu, n] (dy up-sampled by s, padded by
 * (fh − 1)·d − pt on top), xᵀ = [H, W, n, ci], stride d; output row u is filter row fh − 1 − u.
 *
 * XNNPACK repacks the filter of every new convolution (~8 ns a float here, as much as the
 * arithmetic for conv2 of round 10), so the smaller of x and dy should be the filter.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { convInfo, type ConvGeometry } from './conv-geometry.ts';
import { xnnConv2d } from './conv2d.ts';
import { alloc, f32, free, type BackendWasm, type TensorFlow, type TensorInfo, type WasmKernels } from './heap.ts';

/** dw = conv(xᵀ, dyᵀ): batch ci, channels n, filter dyᵀ = [Ho, Wo, n, co], stride d, dilation s. */
export function filterGradDyAsFilter(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
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
export function filterGradXAsFilter(tf: TensorFlow, kernels: WasmKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
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

