/**
 * The forward convolution kernel (Conv2D) on wasm, by one of two routes:
 *  - conv-simd.ts, a direct convolution in generated WebAssembly SIMD (~19 GMAC/s on round 10's
 *    layers, against ~12 for XNNPACK on one thread), when XNNPACK runs single-threaded and the
 *    output channels come in fours;
 *  - the backend's own XNNPACK kernel otherwise (it uses the thread pool), through xnnConv2d, which
 *    works around two heap overflows of tfjs-backend-wasm 4.22 (see there).
 * conv2d-backprop.ts uses both for the input gradient, itself a forward convolution.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { convInfo, geometry, windowed, type ConvGeometry } from './conv-geometry.ts';
import type { ConvPlan } from './conv-simd.ts';
import { alloc, f32, free, offsetOf, type BackendWasm, type KernelArgs, type TensorFlow, type TensorInfo, type WasmKernels } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

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

/** y = conv(x, w) with conv-simd.ts (see its comment); any stride, dilation and padding, without a padded copy. */
export function conv2dSimd(tf: TensorFlow, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const info = convInfo(tf, x.shape, filter.shape, g);
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { outHeight: ho, outWidth: wo, outChannels: co, filterHeight: fh, filterWidth: fw } = info;
  const out = alloc(backend, [n, ho, wo, co]);
  if (n * ho * wo * co === 0) return out;
  const plan: ConvPlan = {
    n, h, w, ci, ho, wo, co, fh, fw,
    sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth,
    pt: info.padInfo.top, pl: info.padInfo.left,
    weightRow: (kh, kw, c) => 4 * ((kh * fw + kw) * ci + c) * co,
    weightLayout: `hwio ${co}`,
  };
  runConvPlan(backend, plan, offsetOf(backend, x), offsetOf(backend, filter), out);
  return out;
}

/** Runs a plan over every block of 16 output channels into `out` (zeroed first where no tap lands). */
export function runConvPlan(backend: BackendWasm, plan: ConvPlan, xAt: number, wAt: number, out: TensorInfo): void {
  const simd = simdFor(backend)!;
  if (simd.conv.needsZeros(plan)) f32(backend, out).fill(0);
  const yAt = offsetOf(backend, out);
  for (let cb = 0; cb < plan.co; cb += 16) simd.conv.run(plan, xAt, wAt, yAt, cb, Math.min(16, plan.co - cb) / 4);
}

export function conv2dKernel(tf: TensorFlow, kernels: WasmKernels): tfjs.KernelConfig {
  return {
    kernelName: 'Conv2D',
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      if (!useSimdConvolution(backend, inputs.filter!.shape[3]!) || (attrs!.dataFormat !== undefined && attrs!.dataFormat !== 'NHWC')) {
        return xnnConv2d(tf, kernels, backend, inputs.x!, inputs.filter!, attrs!);
      }
      return conv2dSimd(tf, backend, inputs.x!, inputs.filter!, geometry(attrs!));
    }) as unknown as tfjs.KernelFunc,
  };
}
