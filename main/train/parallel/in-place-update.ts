/**
 * TensorFlow.js's SGD and Momentum updates done in place on the wasm heap: the same float32
 * arithmetic as MomentumOptimizer.applyGradients (tfjs-core 4.22), written into the variables'
 * and the velocities' own memory, instead of ~4 kernels, their Tensors and a tidy per weight
 * (76 kernel calls a step on round 10, ~0.5 ms).
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
function heapView(backend: BackendWasm, tensor: tfjs.Tensor): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(tensor.dataId)!;
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; HEAPU8: Uint8Array };
  return new Float32Array((module.wasmMemory ?? module.HEAPU8).buffer, memoryOffset, tensor.size);
}

/**
 * Updates `variables` with `gradient(i)` (the i-th variable's gradient, any float32 array of its
 * size) in place when the optimizer is TensorFlow.js's own SGD or Momentum on the wasm backend;
 * returns false, having changed nothing, when TensorFlow.js must do it.
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
    const w = heapView(backend, variable);
    if (!momentum) {
      for (let k = 0; k < w.length; k++) w[k] = Math.fround(c * g[k]!) + w[k]!;
      return;
    }
    const v = heapView(backend, fields.accumulations![i]!.variable);
    for (let k = 0; k < w.length; k++) {
      const velocity = Math.fround(Math.fround(m * v[k]!) + g[k]!);
      v[k] = velocity;
      w[k] = nesterov ? Math.fround(c * Math.fround(g[k]! + Math.fround(velocity * m))) + w[k]! : Math.fround(c * velocity) + w[k]!;
    }
  });
  fields.incrementIterations();
  return true;
}
