/**
 * TensorFlow.js's SGD and Momentum updates computed in JavaScript straight from the wasm heap: the
 * same float32 arithmetic as MomentumOptimizer.applyGradients (tfjs-core 4.22), instead of ~4
 * kernels, their Tensors and a tidy per weight (76 kernel calls a step on round 10, ~0.5 ms).
 *
 * The velocities are updated in place. The weights are not: each gets a new block of the heap,
 * assigned to its variable, because the wasm backend's XNNPACK operators (a convolution whose
 * output channels are not in fours, a dense layer) keep the weights they were created with, packed,
 * under the weight's tensor id: a weight changed in place under the same id would go on being
 * used as it was. (It was: round 10's last 1×1 convolution kept its first weights and the run
 * diverged after a few hundred steps.)
 *
 *   SGD:       w ← c·g + w                                    c = float32(−learning rate)
 *   Momentum:  v ← m·v + g;  w ← c·v + w                       m = float32(momentum)
 *   Nesterov:  v ← m·v + g;  w ← c·(g + v·m) + w
 * each product and sum rounded to float32, as the kernels round them. The velocities are the
 * optimizer's own variables (its getWeights and a resumed run see them); their first step, which
 * creates them, and any other optimizer class (Adam, a subclass with weight decay) go through
 * TensorFlow.js.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorFlow } from '../../compile/to-tfjs.ts';

interface MomentumFields {
  learningRate: number;
  momentum?: number;
  useNesterov?: boolean;
  accumulations?: ({ variable: tfjs.Variable } | undefined)[];
  incrementIterations(): void;
}

/** A float32 view of a tensor's data in the wasm heap. */
function heapView(backend: BackendWasm, tensor: { dataId: object }, size = (tensor as tfjs.Tensor).size): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(tensor.dataId)!;
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; HEAPU8: Uint8Array };
  return new Float32Array((module.wasmMemory ?? module.HEAPU8).buffer, memoryOffset, size);
}

/**
 * Updates `variables` with `gradient(i)` (the i-th variable's gradient, any float32 array of its
 * size) when the optimizer is TensorFlow.js's own SGD or Momentum on the wasm backend; returns
 * false, having changed nothing, when TensorFlow.js must do it.
 */
export function updateInPlace(tf: TensorFlow, optimizer: tfjs.Optimizer, variables: tfjs.Variable[], gradient: (i: number) => Float32Array): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const proto = Object.getPrototypeOf(optimizer);
  const momentum = proto === tf.MomentumOptimizer.prototype;
  if (!momentum && proto !== tf.SGDOptimizer.prototype) return false;
  const fields = optimizer as unknown as MomentumFields;
  if (momentum && (fields.accumulations?.length !== variables.length || fields.accumulations.some((a) => a === undefined))) return false;
  const backend = tf.backend() as unknown as BackendWasm;
  const c = Math.fround(-fields.learningRate);
  const m = Math.fround(fields.momentum ?? 0);
  const nesterov = fields.useNesterov === true;
  variables.forEach((variable, i) => {
    const g = gradient(i);
    const updated = backend.makeOutput(variable.shape, 'float32');
    // Views after the allocation, which may have grown (and detached) the heap.
    const next = heapView(backend, updated as unknown as tfjs.Tensor, variable.size);
    const w = heapView(backend, variable);
    if (!momentum) {
      for (let k = 0; k < w.length; k++) next[k] = Math.fround(c * g[k]!) + w[k]!;
    } else {
      const v = heapView(backend, fields.accumulations![i]!.variable);
      for (let k = 0; k < w.length; k++) {
        const velocity = Math.fround(Math.fround(m * v[k]!) + g[k]!);
        v[k] = velocity;
        next[k] = nesterov ? Math.fround(c * Math.fround(g[k]! + Math.fround(velocity * m))) + w[k]! : Math.fround(c * velocity) + w[k]!;
      }
    }
    const tensor = tf.engine().makeTensorFromTensorInfo(updated);
    variable.assign(tensor);
    tensor.dispose();
  });
  fields.incrementIterations();
  return true;
}
