/**
 * Batch normalisation at inference (FusedBatchNorm, what tfjs-layers' BatchNormalization runs
 * outside training) as one pass over x in WebAssembly SIMD:
 *   y = a·(x − μ) + β,   a = γ / √(σ² + ε)   per channel (the last axis)
 * with μ and σ² the moving statistics. tfjs-backend-wasm's own kernel works element by element
 * with broadcasting index arithmetic and was the slowest kernel of the test pass; this one is the
 * affine pass of the training kernel (simd-kernels.ts), so the same arithmetic in the same order.
 * Anything it does not cover (statistics that are not one value per channel, channels not in
 * fours, no SIMD) goes to the backend's own kernel.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type KernelArgs, type TensorInfo, type WasmKernels } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

export function batchNormInferenceKernel(kernels: WasmKernels): tfjs.KernelConfig {
  return {
    kernelName: 'FusedBatchNorm',
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      const { x, mean, variance, offset, scale } = inputs as Record<string, TensorInfo | undefined>;
      const c = x!.shape[x!.shape.length - 1] ?? 0;
      const perChannel = (t: TensorInfo | undefined) => t === undefined || t === null || (t.shape.length === 1 && t.shape[0] === c);
      const simd = simdFor(backend);
      const fns = simd?.channels(c);
      const size = x!.shape.reduce((a, b) => a * b, 1);
      if (!simd || !fns || size === 0 || x!.dtype !== 'float32' || !perChannel(mean) || !perChannel(variance) || !perChannel(offset) || !perChannel(scale)) {
        return kernels.run('FusedBatchNorm', backend, inputs, attrs);
      }
      const epsilon = attrs!.varianceEpsilon as number;
      const mu = f32(backend, mean!);
      const sigma2 = f32(backend, variance!);
      const gamma = scale ? f32(backend, scale) : null;
      const beta = offset ? f32(backend, offset) : null;
      const kAt = simd.scratch;
      const pAt = kAt + 4 * c;
      const rAt = pAt + 4 * c;
      simd.view(kAt, c).set(mu);
      const a = simd.view(pAt, c);
      const r = simd.view(rAt, c);
      for (let k = 0; k < c; k++) {
        a[k] = (gamma ? gamma[k]! : 1) / Math.sqrt(sigma2[k]! + epsilon);
        r[k] = beta ? beta[k]! : 0;
      }
      const y = alloc(backend, x!.shape);
      fns.affine(offsetOf(backend, x!), kAt, pAt, rAt, offsetOf(backend, y), size / c);
      return y;
    }) as unknown as tfjs.KernelFunc,
  };
}
