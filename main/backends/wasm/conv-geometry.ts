/**
 * Convolution geometry shared by the convolution kernels: attributes → TensorFlow.js's conv info
 * (NHWC only), and the padded/cropped copy of an input that makes a convolution 'valid'.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type BackendWasm, type TensorFlow, type TensorInfo } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

export interface ConvGeometry {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function pair(v: number | [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

export function convInfo(tf: TensorFlow, xShape: number[], filterShape: number[], g: ConvGeometry) {
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

export function checkNHWC(dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`wasm conv gradients support NHWC only, not ${String(dataFormat)}`);
}

/** A kernel's attributes (strides, pad, optional dilations, dimRoundingMode) as a geometry. */
export function geometry(attrs: tfjs.NamedAttrMap): ConvGeometry {
  checkNHWC(attrs.dataFormat);
  return {
    strides: attrs.strides as ConvGeometry['strides'],
    pad: attrs.pad as ConvGeometry['pad'],
    dilations: (attrs.dilations as ConvGeometry['dilations']) ?? 1,
    dimRoundingMode: attrs.dimRoundingMode as ConvGeometry['dimRoundingMode'],
  };
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
  // Only the padding is zeroed; the rest is copied row by row (memcpy).
  const j0 = Math.max(0, pl);
  const j1 = Math.max(j0, Math.min(wp, w + pl));
  const rowFloats = wp * ci;
  const simd = simdFor(backend);
  if (simd) {
    simd.flat.pad(offsetOf(backend, x), offsetOf(backend, source), n, h, hp, pt, h * w * ci * 4, w * ci * 4, (j0 - pl) * ci * 4, rowFloats * 4, j0 * ci * 4, (j1 - j0) * ci * 4);
    return { source, rows: hp, width: wp, owned: true };
  }
  const dst = f32(backend, source);
  const src = f32(backend, x);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < hp; i++) {
      const si = i - pt;
      const d = (b * hp + i) * rowFloats;
      if (si < 0 || si >= h || j1 === j0) {
        dst.fill(0, d, d + rowFloats);
        continue;
      }
      if (j0 > 0) dst.fill(0, d, d + j0 * ci);
      const sOff = ((b * h + si) * w + (j0 - pl)) * ci;
      dst.set(src.subarray(sOff, sOff + (j1 - j0) * ci), d + j0 * ci);
      if (j1 < wp) dst.fill(0, d + j1 * ci, d + rowFloats);
    }
  }
  return { source, rows: hp, width: wp, owned: true };
}

