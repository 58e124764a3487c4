/**
 * Gradients of 2-D max and average pooling as single scatter passes over the wasm heap.
 *
 * Max pooling: y[b, r, c, d] = max over the window of x. Its gradient sends each dy[b, r, c, d] to
 * the position of that maximum (the first one in row-major window order when there are ties, like
 * the cpu backend) and adds up when windows overlap:
 *   dx[b, i, j, d] = Σ_{(r, c) whose argmax is (i, j)} dy[b, r, c, d]
 * Pixels in the padding never win (they are not looked at), and a window that lies entirely in the
 * padding drops its gradient.
 *
 * Average pooling (TensorFlow.js's convention, which the cpu and wasm backends share): every pixel
 * of a window receives dy / (filterHeight · filterWidth), whatever part of the window is padding:
 *   dx[b, i, j, d] = Σ_{windows covering (i, j)} dy[b, r, c, d] / (fh · fw)
 *
 * Both walk the output in NHWC order with the channel loop innermost, so every read and write is
 * contiguous; the arg-max of a window is kept per channel in a small scratch array. The common
 * 2×2, stride-2, unpadded max pool with C a multiple of 4 runs as WebAssembly SIMD instead
 * (simd-kernels.ts; windows do not overlap, so each dx element is written once).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolInfo(tf: TensorFlow, xShape: number[], a: PoolAttrs) {
  return tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}

type PoolInfo = ReturnType<typeof poolInfo>;

/**
 * Visits every output position in NHWC order with the part of its window that lies inside the
 * image: `o` is the offset of its first channel in dy, `imageBase` that of its image in x and dx.
 */
function forEachWindow(
  info: PoolInfo,
  visit: (o: number, imageBase: number, rMin: number, rMax: number, cMin: number, cMax: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageBase = b * inHeight * inWidth * C;
    for (let r = 0; r < outHeight; r++) {
      const r0 = r * strideHeight - pt;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(inHeight, r0 + fh);
      for (let c = 0; c < outWidth; c++, o += C) {
        const c0 = c * strideWidth - pl;
        visit(o, imageBase, rMin, rMax, Math.max(0, c0), Math.min(inWidth, c0 + fw));
      }
    }
  }
}

let scratchValue = new Float32Array(0);
let scratchIndex = new Int32Array(0);

export function maxPoolGrad(tf: TensorFlow, backend: BackendWasm, dy: TensorInfo, x: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(tf, x.shape, a);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = alloc(backend, x.shape);
  const simple = fh === 2 && fw === 2 && strideHeight === 2 && strideWidth === 2 && pt === 0 && pl === 0 && info.padInfo.bottom === 0 && info.padInfo.right === 0;
  const simd = simple ? simdFor(backend) : undefined;
  const fns = simd?.channels(C);
  if (simd && fns && outHeight === inHeight >> 1 && outWidth === inWidth >> 1) {
    if (inHeight % 2 !== 0 || inWidth % 2 !== 0) f32(backend, out).fill(0);
    const image = inHeight * inWidth * C * 4;
    const outImage = outHeight * outWidth * C * 4;
    const xAt = offsetOf(backend, x);
    const dyAt = offsetOf(backend, dy);
    const dxAt = offsetOf(backend, out);
    for (let b = 0; b < batchSize; b++) fns.maxPoolGrad2x2(xAt + b * image, dyAt + b * outImage, dxAt + b * image, outHeight, outWidth, inWidth * C * 4);
    return out;
  }
  const dx = f32(backend, out);
  const xs = f32(backend, x);
  const g = f32(backend, dy);
  dx.fill(0);
  if (scratchValue.length < C) {
    scratchValue = new Float32Array(C);
    scratchIndex = new Int32Array(C);
  }
  const best = scratchValue;
  const where = scratchIndex;
  forEachWindow(info, (o, imageBase, rMin, rMax, cMin, cMax) => {
    best.fill(-Infinity, 0, C);
    where.fill(-1, 0, C);
    for (let i = rMin; i < rMax; i++) {
      for (let j = cMin; j < cMax; j++) {
        const p = imageBase + (i * inWidth + j) * C;
        for (let d = 0; d < C; d++) {
          const v = xs[p + d]!;
          if (v > best[d]!) {
            best[d] = v;
            where[d] = p + d;
          }
        }
      }
    }
    for (let d = 0; d < C; d++) {
      const at = where[d]!;
      if (at >= 0) dx[at] = dx[at]! + g[o + d]!;
    }
  });
  return out;
}

export function avgPoolGrad(tf: TensorFlow, backend: BackendWasm, dy: TensorInfo, x: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(tf, x.shape, a);
  const { inWidth, inChannels: C, filterHeight, filterWidth } = info;
  const scale = 1 / (filterHeight * filterWidth);
  const out = alloc(backend, x.shape);
  const dx = f32(backend, out);
  const g = f32(backend, dy);
  dx.fill(0);
  forEachWindow(info, (o, imageBase, rMin, rMax, cMin, cMax) => {
    for (let i = rMin; i < rMax; i++) {
      for (let j = cMin; j < cMax; j++) {
        const p = imageBase + (i * inWidth + j) * C;
        for (let d = 0; d < C; d++) dx[p + d] = dx[p + d]! + g[o + d]! * scale;
      }
    }
  });
  return out;
}

export function poolGradKernels(tf: TensorFlow): tfjs.KernelConfig[] {
  return [
    {
      kernelName: 'MaxPoolGrad',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => maxPoolGrad(tf, backend, inputs.dy!, inputs.input!, attrs as unknown as PoolAttrs)) as unknown as tfjs.KernelFunc,
    },
    {
      kernelName: 'AvgPoolGrad',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => avgPoolGrad(tf, backend, inputs.dy!, inputs.input!, attrs as unknown as PoolAttrs)) as unknown as tfjs.KernelFunc,
    },
  ];
}
