/**
 * The threaded SIMD build in Node (threads.ts): it starts with 2 XNNPACK threads even on a
 * machine with 2 logical cores, computes the same convolution as the cpu backend, and the fast
 * kernels (whose generated SIMD modules import its shared memory) work on it too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../../main/backends/wasm/batch-norm.ts';
import { setupWasmBackend, type WasmSetup } from '../../main/backends/wasm/setup.ts';
import { simdFor } from '../../main/backends/wasm/simd-kernels.ts';
import type { BackendWasm } from '../../main/backends/wasm/heap.ts';
import { randomValues, relativeError } from './wasm-test-utils.ts';

describe('threaded wasm build under Node', () => {
  let setup: WasmSetup;
  beforeAll(async () => {
    setup = await setupWasmBackend(tf, { threads: 2 });
  });

  it('runs the threaded build with 2 threads and SIMD', () => {
    expect(setup.threaded).toBe(true);
    expect(setup.threads).toBe(2);
    expect(setup.simd).toBe(true);
    const memory = (tf.backend() as unknown as BackendWasm).wasm as unknown as { wasmMemory: WebAssembly.Memory };
    expect(memory.wasmMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(simdFor(tf.backend() as unknown as BackendWasm)).toBeDefined();
  });

  it('convolves and trains like the cpu backend', async () => {
    const x = randomValues(8 * 12 * 12 * 8, 51);
    const w = randomValues(3 * 3 * 8 * 16, 52);
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const xt = tf.tensor4d(x, [8, 12, 12, 8]);
        const wt = tf.tensor4d(w, [3, 3, 8, 16]);
        const f = (a: tf.Tensor4D, b: tf.Tensor4D) => {
          const y = tf.conv2d(a, b, 1, 'valid');
          const [n] = backend === 'wasm' ? batchNormTraining(tf, y, tf.ones([16]), tf.zeros([16]), 1e-3) : [tf.batchNorm(y, tf.moments(y, [0, 1, 2]).mean, tf.moments(y, [0, 1, 2]).variance, tf.zeros([16]), tf.ones([16]), 1e-3)];
          return tf.sum(tf.mul(tf.relu(n!), tf.linspace(-1, 1, 16)));
        };
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D))([xt, wt]);
        return [f(xt, wt), dx!, dw!].map((t) => t.dataSync() as Float32Array);
      });
    };
    const expected = await run('cpu');
    const actual = await run('wasm');
    expected.forEach((e, i) => expect(relativeError(actual[i]!, e)).toBeLessThan(1e-4));
  });

  it('lets a Node process exit (the pool threads are unref()ed)', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const setupUrl = pathToFileURL(join(root, 'main/backends/wasm/setup.ts')).href;
    const tfUrl = pathToFileURL(join(root, 'node_modules/@tensorflow/tfjs/dist/tf.node.js')).href;
    // A script file, not -e: the pthread workers inherit Node's flags, and --input-type breaks them.
    const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-wasm-exit-'));
    const script = join(folder, 'exit-check.mts');
    writeFileSync(
      script,
      `const tf = await import(${JSON.stringify(tfUrl)});
       const { setupWasmBackend } = await import(${JSON.stringify(setupUrl)});
       const s = await setupWasmBackend(tf, { threads: 2 });
       tf.conv2d(tf.ones([1, 8, 8, 4]), tf.ones([3, 3, 4, 4]), 1, 'valid').dataSync();
       console.log('threads', s.threads);`,
    );
    try {
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
      expect(child.error).toBeUndefined();
      expect(child.stdout).toContain('threads 2');
      expect(child.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
