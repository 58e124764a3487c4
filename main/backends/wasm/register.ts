/**
 * Registers the hand-written kernels for the 'wasm' backend. Idempotent: the wasm backend's own
 * kernels are captured once, before anything is replaced, and later calls do nothing.
 */
import type * as tfjs from '@tensorflow/tfjs';
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
  return [...conv2dBackpropKernels(tf, kernels), ...depthwiseBackpropKernels(tf), ...poolGradKernels(tf), ...identityKernels(kernels), reluGradKernel(), ...batchNormKernels(), ...dropoutKernels()];
}

export function registerFastWasmKernels(tf: TensorFlow): void {
  const registry = tf.engine();
  if (registered.has(registry)) return;
  registered.add(registry);
  const kernels = new WasmKernels(tf);
  for (const name of ['Conv2D', 'Transpose']) kernels.capture(name);
  for (const config of fastWasmKernelConfigs(tf, kernels)) {
    kernels.capture(config.kernelName);
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  registerReluGradient(tf);
  registerBatchNormGradient(tf);
  registerDropoutGradient(tf);
  installFastTrainingLayers(tf);
}
