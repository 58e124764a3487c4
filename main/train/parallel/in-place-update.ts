/**
 * The SGD update (optimizers.ts: PyTorch's, weight decay, momentum and Nesterov included)
 * computed in JavaScript straight from the wasm heap, in the same float32 arithmetic as the
 * optimizer's own tensors, instead of ~5 kernels, their Tensors and a tidy per weight (76 kernel
 * calls a step on round 10, ~0.5 ms):
 *
 *   d = g + wd·w;  b = μ·b + d;  d = Nesterov ? d + μ·b : b;  w ← w − lr·d
 *
 * each product and sum rounded to float32, as the kernels round them (a float32 product or sum
 * computed in float64 and rounded once is the correctly rounded float32 result).
 *
 * The momentum buffers are updated in place. The weights are not: each gets a new block of the
 * heap, assigned to its variable, because the wasm backend's XNNPACK operators (a convolution whose
 * output channels are not in fours, a dense layer) keep the weights they were created with, packed,
 * under the weight's tensor id: a weight changed in place under the same id would go on being
 * used as it was. (It was: round 10's last 1×1 convolution kept its first weights and the run
 * diverged after a few hundred steps.) Adam and AdamW go through TensorFlow.js.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { f32, type BackendWasm } from '../../backends/wasm/heap.ts';
import type { TensorFlow } from '../../compile/to-tfjs.ts';
import type { StudioOptimizer } from '../optimizers.ts';

/**
 * Updates `variables` with `gradient(i)` (the i-th variable's gradient, any float32 array of its
 * size) when the optimizer is SGD on the wasm backend; returns false, having changed nothing,
 * when TensorFlow.js must do it (another backend, Adam, AdamW).
 */
export function updateInPlace(tf: TensorFlow, optimizer: StudioOptimizer, variables: tfjs.Variable[], gradient: (i: number) => Float32Array): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const sgd = optimizer.sgdUpdate(variables);
  if (!sgd) return false;
  const backend = tf.backend() as unknown as BackendWasm;
  const rate = Math.fround(sgd.rate);
  const m = Math.fround(sgd.momentum);
  const wd = Math.fround(sgd.weightDecay);
  variables.forEach((variable, i) => {
    const g = gradient(i);
    const updated = backend.makeOutput(variable.shape, 'float32');
    // Views after the allocation, which may have grown (and detached) the heap.
    const next = f32(backend, updated);
    const w = f32(backend, variable);
    const buffer = sgd.buffers[i];
    const b = buffer ? f32(backend, buffer) : null;
    for (let k = 0; k < w.length; k++) {
      let d = wd === 0 ? g[k]! : Math.fround(g[k]! + Math.fround(w[k]! * wd));
      if (b) {
        const velocity = Math.fround(Math.fround(b[k]! * m) + d);
        b[k] = velocity;
        d = sgd.nesterov ? Math.fround(d + Math.fround(velocity * m)) : velocity;
      }
      next[k] = w[k]! - Math.fround(d * rate);
    }
    const tensor = tf.engine().makeTensorFromTensorInfo(updated);
    variable.assign(tensor);
    tensor.dispose();
  });
  optimizer.countStep();
  return true;
}
