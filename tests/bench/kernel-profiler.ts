/**
 * Per-kernel wall-clock profile of one backend: every kernel registered for it is wrapped with a
 * timer. Kernels run synchronously on the wasm and cpu backends, so the time between entry and
 * return is the kernel's cost. Kernels called from inside other kernels directly (not through the
 * engine) count towards their caller. Used by `npm run bench -- --profile` (kernel-profile-worker.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../../main/compile/to-tfjs.ts';

export interface KernelStat {
  name: string;
  calls: number;
  ms: number;
}

export class KernelProfiler {
  private readonly stats = new Map<string, KernelStat>();
  private originals: tfjs.KernelConfig[] = [];

  constructor(private readonly tf: TensorFlow, private readonly backendName: string) {}

  start(): void {
    if (this.originals.length > 0) return;
    const { tf } = this;
    this.originals = tf.getKernelsForBackend(this.backendName).map((config) => ({ ...config }));
    for (const config of this.originals) {
      const stat: KernelStat = this.stats.get(config.kernelName) ?? { name: config.kernelName, calls: 0, ms: 0 };
      this.stats.set(config.kernelName, stat);
      const inner = config.kernelFunc;
      tf.unregisterKernel(config.kernelName, this.backendName);
      tf.registerKernel({
        kernelName: config.kernelName,
        backendName: this.backendName,
        kernelFunc: (args) => {
          const t0 = performance.now();
          const out = inner(args);
          stat.ms += performance.now() - t0;
          stat.calls++;
          return out;
        },
      });
    }
  }

  stop(): void {
    for (const config of this.originals) {
      this.tf.unregisterKernel(config.kernelName, this.backendName);
      this.tf.registerKernel(config);
    }
    this.originals = [];
  }

  reset(): void {
    for (const stat of this.stats.values()) {
      stat.calls = 0;
      stat.ms = 0;
    }
  }

  report(): KernelStat[] {
    return [...this.stats.values()].filter((s) => s.calls > 0).sort((a, b) => b.ms - a.ms);
  }
}
