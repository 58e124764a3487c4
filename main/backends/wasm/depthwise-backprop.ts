/**
 * Gradients of the depthwise convolution (missing from the wasm backend), as direct loops.
 *
 * Forward (NHWC, filter [fh, fw, C, M], output channel c·M + m):
 *   y[n, oh, ow, c·M + m] = Σ_{kh, kw} x[n, oh·s − pt + kh·d, ow·s − pl + kw·d, c] · w[kh, kw, c, m]
 * Input gradient (a scatter over the windows):
 *   dx[n, i, j, c] = Σ_{oh, ow, kh, kw, m : i = oh·s − pt + kh·d, …} dy[n, oh, ow, c·M + m] · w[kh, kw, c, m]
 * Filter gradient:
 *   dw[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·s − pt + kh·d, ow·s − pl + kw·d, c] · dy[n, oh, ow, c·M + m]
 * The loops run over output pixels and taps with the channel loop innermost (contiguous in NHWC).
 * A depthwise layer has ~C/(fh·fw) times fewer multiply-adds than a full convolution of the same
 * size, so scalar JavaScript is affordable here. Dilations are honoured (TensorFlow.js's own
 * gradient refuses them, and the cpu backend's kernels ignore them).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo } from './heap.ts';
import type { ConvGeometry } from './conv2d-backprop.ts';

function geometry(tf: TensorFlow, xShape: number[], filterShape: number[], g: ConvGeometry) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    g.strides,
    g.dilations ?? 1,
    g.pad,
    g.dimRoundingMode,
    true,
  );
}

/** Calls visit(dyPixel, xPixel, tap) for every output pixel and in-range tap. */
function forEachTap(
  info: ReturnType<typeof geometry>,
  visit: (dyPixel: number, xPixel: number, tap: number) => void,
): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  let dyPixel = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, dyPixel++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const i = oh * strideHeight - pt + kh * dilationHeight;
          if (i < 0 || i >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const j = ow * strideWidth - pl + kw * dilationWidth;
            if (j < 0 || j >= inWidth) continue;
            visit(dyPixel, (b * inHeight + i) * inWidth + j, kh * filterWidth + kw);
          }
        }
      }
    }
  }
}

export function depthwiseBackpropInput(tf: TensorFlow, backend: BackendWasm, inputShape: number[], dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const info = geometry(tf, inputShape, filter.shape, g);
  const c = info.inChannels;
  const m = info.outChannels / c;
  const out = alloc(backend, inputShape);
  const dx = f32(backend, out);
  const gy = f32(backend, dy);
  const w = f32(backend, filter);
  dx.fill(0);
  forEachTap(info, (dyPixel, xPixel, tap) => {
    const dyBase = dyPixel * c * m;
    const xBase = xPixel * c;
    const wBase = tap * c * m;
    if (m === 1) {
      for (let k = 0; k < c; k++) dx[xBase + k] = dx[xBase + k]! + gy[dyBase + k]! * w[wBase + k]!;
    } else {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let q = 0; q < m; q++) sum += gy[dyBase + k * m + q]! * w[wBase + k * m + q]!;
        dx[xBase + k] = dx[xBase + k]! + sum;
      }
    }
  });
  return out;
}

export function depthwiseBackpropFilter(tf: TensorFlow, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], g: ConvGeometry): TensorInfo {
  const info = geometry(tf, x.shape, filterShape, g);
  const cm = info.outChannels;
  const m = cm / info.inChannels;
  const out = alloc(backend, filterShape);
  const dw = f32(backend, out);
  const gy = f32(backend, dy);
  const xs = f32(backend, x);
  // float64 accumulation: the sums run over every pixel of the batch.
  const acc = new Float64Array(dw.length);
  forEachTap(info, (dyPixel, xPixel, tap) => {
    const dyBase = dyPixel * cm;
    const xBase = xPixel * info.inChannels;
    const wBase = tap * cm;
    for (let k = 0; k < cm; k++) acc[wBase + k] = acc[wBase + k]! + xs[xBase + ((k / m) | 0)]! * gy[dyBase + k]!;
  });
  dw.set(acc);
  return out;
}

function attrsToGeometry(attrs: tfjs.NamedAttrMap): ConvGeometry {
  return {
    strides: attrs.strides as ConvGeometry['strides'],
    pad: attrs.pad as ConvGeometry['pad'],
    dilations: (attrs.dilations as ConvGeometry['dilations']) ?? 1,
    dimRoundingMode: attrs.dimRoundingMode as ConvGeometry['dimRoundingMode'],
  };
}

export function depthwiseBackpropKernels(tf: TensorFlow): tfjs.KernelConfig[] {
  return [
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) =>
        depthwiseBackpropInput(tf, backend, attrs!.inputShape as number[], inputs.dy!, inputs.filter!, attrsToGeometry(attrs!))) as unknown as tfjs.KernelFunc,
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: KernelArgs) =>
        depthwiseBackpropFilter(tf, backend, inputs.x!, inputs.dy!, attrs!.filterShape as number[], attrsToGeometry(attrs!))) as unknown as tfjs.KernelFunc,
    },
  ];
}
