/**
 * Calling the wasm backend's registered kernels (ours and its own) directly, with TensorInfos in
 * and out: no engine, no gradient tape, no Tensor objects, no scope bookkeeping. A training
 * program (training-program.ts) is a fixed sequence of such calls; what a kernel allocates the
 * program frees itself.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendWasm, TensorFlow, TensorInfo } from '../heap.ts';

type KernelFunction = (args: { inputs: tfjs.NamedTensorInfoMap; backend: BackendWasm; attrs?: tfjs.NamedAttrMap }) => TensorInfo | TensorInfo[];

export class KernelCalls {
  private readonly functions = new Map<string, KernelFunction>();
  constructor(
    private readonly tf: TensorFlow,
    readonly backend: BackendWasm,
  ) {}

  private kernel(name: string): KernelFunction {
    let kernel = this.functions.get(name);
    if (!kernel) {
      const config = this.tf.getKernel(name, 'wasm');
      if (!config) throw new Error(`the wasm backend has no ${name} kernel`);
      kernel = config.kernelFunc as unknown as KernelFunction;
      this.functions.set(name, kernel);
    }
    return kernel;
  }

  /** A kernel with one output. */
  one(name: string, inputs: Record<string, TensorInfo | null | undefined>, attrs: Record<string, unknown> = {}): TensorInfo {
    return this.kernel(name)({ inputs: inputs as tfjs.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tfjs.NamedAttrMap }) as TensorInfo;
  }

  /** A kernel with several outputs. */
  many(name: string, inputs: Record<string, TensorInfo | null | undefined>, attrs: Record<string, unknown> = {}): TensorInfo[] {
    return this.kernel(name)({ inputs: inputs as tfjs.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tfjs.NamedAttrMap }) as TensorInfo[];
  }

  /** The same data under another shape; both must be freed. */
  reshape(info: TensorInfo, shape: number[]): TensorInfo {
    this.backend.incRef(info.dataId);
    return { dataId: info.dataId, shape, dtype: info.dtype };
  }

  free(info: TensorInfo): void {
    this.backend.disposeData(info.dataId);
  }

  /**
   * Gives a variable new values in a new block of the heap (never in place: the backend's XNNPACK
   * operators cache what they were created with under the tensor's id).
   */
  replace(variable: { write(value: tfjs.Tensor): void; shape: number[] }, fill: (out: Float32Array) => void): void {
    const out = this.backend.makeOutput(variable.shape, 'float32');
    const { memoryOffset } = this.backend.dataIdMap.get(out.dataId)!;
    const module = this.backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; HEAPU8: Uint8Array };
    fill(new Float32Array((module.wasmMemory ?? module.HEAPU8).buffer, memoryOffset, variable.shape.reduce((a, b) => a * b, 1)));
    const tensor = this.tf.engine().makeTensorFromTensorInfo(out);
    variable.write(tensor);
    tensor.dispose();
  }
}
