/**
 * Registers the hand-written kernels for the 'wasm' backend, the gradients that use them, and the
 * training-mode layer/op routes (training-layers.ts). Idempotent per TensorFlow.js instance: the
 * wasm backend's own kernels are captured once, before anything is replaced, and later calls do
 * nothing. Everything checks tf.getBackend() === 'wasm' where it could affect another backend.
 *
 *   Conv2D                                conv2d.ts (conv-simd.ts or XNNPACK)
 *   Conv2DBackpropInput/Filter            conv2d-backprop.ts (filter-grad-simd.ts,
 *                                         filter-grad-xnnpack.ts, conv2d.ts)
 *   DepthwiseConv2dNativeBackpropInput/Filter   depthwise-backprop.ts
 *   MaxPoolGrad, AvgPoolGrad              pool-grad.ts
 *   Identity, Cast (same dtype)           identity.ts
 *   Relu's gradient                       relu-grad.ts
 *   batch norm and dropout (training)     batch-norm.ts, dropout.ts, training-layers.ts
 *   FusedBatchNorm (inference)            batch-norm-inference.ts
 */
import type * as tfjs from '@tensorflow/tfjs';
import { batchNormInferenceKernel } from './batch-norm-inference.ts';
import { batchNormKernels, registerBatchNormGradient } from './batch-norm.ts';
import { conv2dBackpropKernels } from './conv2d-backprop.ts';
import { depthwiseBackpropKernels } from './depthwise-backprop.ts';
import { dropoutKernels, registerDropoutGradient } from './dropout.ts';
import { WasmKernels, type TensorFlow } from './heap.ts';
import { identityKernels } from './identity.ts';
import { poolGradKernels } from './pool-grad.ts';
import { registerReluGradient, reluGradKernel } from './relu-grad.ts';
import { installFastTrainingLayers } from './training-layers.ts';

const registered = new WeakSet<object>();

export function fastWasmKernelConfigs(tf: TensorFlow, kernels: WasmKernels): tfjs.KernelConfig[] {
  return [batchNormInferenceKernel(kernels), ...conv2dBackpropKernels(tf, kernels), ...depthwiseBackpropKernels(tf), ...poolGradKernels(tf), ...identityKernels(kernels), reluGradKernel(), ...batchNormKernels(), ...dropoutKernels()];
}

export function registerFastWasmKernels(tf: TensorFlow): void {
  const registry = tf.engine();
  if (registered.has(registry)) return;
  registered.add(registry);
  const kernels = new WasmKernels(tf);
  for (const name of ['Conv2D', 'Transpose']) kernels.capture(name);
  for (const config of fastWasmKernelConfigs(tf, kernels)) {
    kernels.capture(config.kernelName);
    const original = tf.getKernel(config.kernelName, 'wasm');
    if (original) tf.unregisterKernel(config.kernelName, 'wasm');
    // Keep the original's setup (its cwrap of the C++ function, which our kernel may still call)
    // for when a wasm backend is initialised after this registration.
    tf.registerKernel(original?.setupFunc ? { ...config, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc } : config);
  }
  registerReluGradient(tf);
  registerBatchNormGradient(tf);
  registerDropoutGradient(tf);
  installFastTrainingLayers(tf);
}
