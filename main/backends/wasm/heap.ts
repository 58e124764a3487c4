/**
 * Plumbing shared by the hand-written wasm kernels: typed views onto tensors that live in the wasm
 * heap, output allocation, and calling the wasm backend's own kernels without going through the
 * engine (no tape, no profiling, no extra tensor bookkeeping).
 *
 * A tensor of the wasm backend is a block of the module's linear memory: `dataIdMap.get(dataId)`
 * holds its `memoryOffset` in bytes. `backend.makeOutput(shape, dtype)` mallocs a new block and
 * registers it; a kernel that makes temporaries through other kernels must free them again with
 * `backend.disposeData(dataId)`. A view must be taken after every allocation that could have grown
 * the memory (growth detaches the old ArrayBuffer), so helpers here always take fresh views.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type TensorFlow = typeof tfjs;
export type TensorInfo = tfjs.TensorInfo;
export type { BackendWasm };

export interface KernelArgs {
  inputs: tfjs.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tfjs.NamedAttrMap;
}

/** A float32 view of a tensor's data in the wasm heap (valid until the next allocation). */
export function f32(backend: BackendWasm, info: TensorInfo): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(info.dataId)!;
  let size = 1;
  for (const d of info.shape) size *= d;
  return new Float32Array(heapBuffer(backend), memoryOffset, size);
}

/** Byte offset of a tensor's data in the wasm heap. */
export function offsetOf(backend: BackendWasm, info: TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** The wasm module's memory (the Emscripten module keeps `HEAPU8` current across growth on its own thread). */
export function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; HEAPU8: Uint8Array };
  // The threaded build's shared memory can grow from another thread, leaving HEAPU8 stale.
  return module.wasmMemory ? module.wasmMemory.buffer : module.HEAPU8.buffer;
}

/** Allocates a float32 output in the wasm heap; its contents are garbage until written. */
export function alloc(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

export function free(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];

/**
 * The wasm backend's own implementation of a kernel, captured before anything of ours is
 * registered under the same name, so composing kernels call the original and never themselves.
 */
export class WasmKernels {
  private readonly cache = new Map<string, KernelFunc>();
  constructor(private readonly tf: TensorFlow) {}

  get(name: string): KernelFunc {
    let func = this.cache.get(name);
    if (!func) {
      const config = this.tf.getKernel(name, 'wasm');
      if (!config) throw new Error(`the wasm backend has no ${name} kernel`);
      func = config.kernelFunc as unknown as KernelFunc;
      this.cache.set(name, func);
    }
    return func;
  }

  /** Remembers the original before it is overridden (call before registering a replacement). */
  capture(name: string): void {
    if (this.tf.getKernel(name, 'wasm')) this.get(name);
  }

  run(name: string, backend: BackendWasm, inputs: tfjs.NamedTensorInfoMap, attrs: tfjs.NamedAttrMap = {}): TensorInfo {
    return this.get(name)({ inputs, backend, attrs }) as TensorInfo;
  }
}
