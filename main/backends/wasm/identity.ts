/**
 * Identity and same-type Cast without copying. The engine clones every tensor it saves for the
 * backward pass (`saveTensorsForBackwardMode` → Identity), and the wasm backend's Identity copies
 * the whole buffer, so a training step spent ~7 ms on 200+ copies of activations. Tensor data is
 * immutable in TensorFlow.js (variables swap their dataId on assign; no kernel writes into its
 * inputs), so the output can share the input's buffer under a reference count, as the cpu
 * backend's Identity and the wasm backend's own Reshape do.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { KernelArgs, TensorInfo, WasmKernels } from './heap.ts';

function share({ inputs, backend }: KernelArgs): TensorInfo {
  const x = inputs.x!;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function identityKernels(kernels: WasmKernels): tfjs.KernelConfig[] {
  return [
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: share as unknown as tfjs.KernelFunc },
    {
      kernelName: 'Cast',
      backendName: 'wasm',
      kernelFunc: ((args: KernelArgs) => {
        const { x } = args.inputs;
        if (x!.dtype === args.attrs!.dtype) return share(args);
        return kernels.run('Cast', args.backend, args.inputs, args.attrs);
      }) as unknown as tfjs.KernelFunc,
    },
  ];
}
