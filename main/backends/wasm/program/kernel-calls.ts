/**
 * Calling the wasm backend's registered kernels (ours and its own) directly, with TensorInfos in
 * and out: no engine, no gradient tape, no Tensor objects, no scope bookkeeping. A training
 * program (training-program.ts) is a fixed sequence of such calls; what a kernel allocates the
 * program frees itself.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { f32, WasmKernels, type BackendWasm, type TensorFlow, type TensorInfo } from '../heap.ts';

export class KernelCalls {
  private readonly kernels: WasmKernels;
  constructor(
    private readonly tf: TensorFlow,
    readonly backend: BackendWasm,
  ) {
    // Looked up on first use: the kernels registered by then, ours where they replace the backend's.
    this.kernels = new WasmKernels(tf);
  }

  /** A kernel with one output. */
  one(name: string, inputs: Record<string, TensorInfo | null | undefined>, attrs: Record<string, unknown> = {}): TensorInfo {
    return this.kernels.get(name)({ inputs: inputs as tfjs.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tfjs.NamedAttrMap }) as TensorInfo;
  }

  /** A kernel with several outputs. */
  many(name: string, inputs: Record<string, TensorInfo | null | undefined>, attrs: Record<string, unknown> = {}): TensorInfo[] {
    return this.kernels.get(name)({ inputs: inputs as tfjs.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tfjs.NamedAttrMap }) as TensorInfo[];
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
    fill(f32(this.backend, out));
    const tensor = this.tf.engine().makeTensorFromTensorInfo(out);
    variable.write(tensor);
    tensor.dispose();
  }
}
