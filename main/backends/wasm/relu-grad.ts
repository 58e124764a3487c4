/**
 * ReLU's gradient in one pass: dx = dy where x > 0, else 0 (NaN where x is NaN, like step(x)).
 * TensorFlow.js computes it as mul(dy, cast(step(x))): three kernels and two full-size
 * temporaries. The gradient is registered globally (gradients are not per backend), so on any
 * other backend it defers to the original gradient function. The loop is WebAssembly SIMD
 * (simd-kernels.ts) with a JavaScript fallback that avoids data-dependent branches.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, offsetOf, type KernelArgs, type TensorFlow } from './heap.ts';
import { simdFor } from './simd-kernels.ts';

export const RELU_GRAD = 'CnnStudioReluGrad';

export function reluGradKernel(): tfjs.KernelConfig {
  return {
    kernelName: RELU_GRAD,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: KernelArgs) => {
      const { dy, x } = inputs;
      const out = alloc(backend, x!.shape);
      const n = x!.shape.reduce((a, b) => a * b, 1);
      const simd = simdFor(backend);
      let done = 0;
      if (simd) {
        simd.flat.reluGrad(offsetOf(backend, dy!), offsetOf(backend, x!), offsetOf(backend, out), n >> 2);
        done = n & ~3;
      }
      const d = f32(backend, out);
      const g = f32(backend, dy!);
      const v = f32(backend, x!);
      for (let i = done; i < n; i++) {
        const xi = v[i]!;
        // (xi > 0) as 0/1 keeps the loop free of unpredictable branches (NaN is rare).
        d[i] = xi !== xi ? NaN : g[i]! * ((xi > 0) as unknown as number);
      }
      return out;
    }) as unknown as tfjs.KernelFunc,
  };
}

export function registerReluGradient(tf: TensorFlow): void {
  const original = tf.getGradient('Relu');
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== 'wasm' || saved[0]!.dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tfjs.Tensor, x: saved[0]! }) as tfjs.Tensor };
    },
  });
}
