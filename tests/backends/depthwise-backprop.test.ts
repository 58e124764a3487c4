import { beforeAll, describe, expect, it } from 'vitest';
import type { ConvGeometry } from '../../main/backends/wasm/conv2d-backprop.ts';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from '../../main/backends/wasm/depthwise-backprop.ts';
import type { BackendWasm } from '../../main/backends/wasm/heap.ts';
import { onBackend, randomValues, relativeError, sizeOf, tf, wasmReady } from './wasm-test-utils.ts';

interface Case {
  n: number; h: number; w: number; c: number; m: number; k: number; s: number; d: number; pad: ConvGeometry['pad'];
}

const cases: Case[] = [];
let v = 0;
for (const k of [1, 3, 5]) {
  for (const s of [1, 2]) {
    for (const d of [1, 2]) {
      if (s > 1 && d > 1) continue;
      for (const pad of ['valid', 'same', [[0, 0], [2, 1], [0, 1], [0, 0]]] as ConvGeometry['pad'][]) {
        v++;
        const h = 9 + (v % 3);
        if ((k - 1) * d + 1 > h) continue;
        cases.push({ n: 1 + (v % 2), h, w: 8 + (v % 2), c: [1, 3, 8][v % 3]!, m: [1, 2][(v >> 1) % 2]!, k, s, d, pad });
      }
    }
  }
}

function reference(c: Case, x: Float32Array, dy: Float32Array, w: Float32Array, oh: number, ow: number, pt: number, pl: number) {
  const dx = new Float64Array(c.n * c.h * c.w * c.c);
  const dw = new Float64Array(c.k * c.k * c.c * c.m);
  for (let b = 0; b < c.n; b++)
    for (let r = 0; r < oh; r++)
      for (let q = 0; q < ow; q++)
        for (let kh = 0; kh < c.k; kh++)
          for (let kw = 0; kw < c.k; kw++) {
            const i = r * c.s - pt + kh * c.d;
            const j = q * c.s - pl + kw * c.d;
            if (i < 0 || i >= c.h || j < 0 || j >= c.w) continue;
            for (let ch = 0; ch < c.c; ch++)
              for (let mm = 0; mm < c.m; mm++) {
                const g = dy[((b * oh + r) * ow + q) * c.c * c.m + ch * c.m + mm]!;
                const wi = ((kh * c.k + kw) * c.c + ch) * c.m + mm;
                const xi = ((b * c.h + i) * c.w + j) * c.c + ch;
                dx[xi]! += w[wi]! * g;
                dw[wi]! += x[xi]! * g;
              }
          }
  return { dx, dw };
}

describe('depthwise convolution gradients on wasm', () => {
  beforeAll(wasmReady);

  it.each(cases.map((c) => [`n${c.n} ${c.h}x${c.w}x${c.c}·${c.m} k${c.k} s${c.s} d${c.d} pad ${JSON.stringify(c.pad)}`, c] as const))('%s', async (_, c) => {
    await tf.setBackend('wasm');
    const xShape = [c.n, c.h, c.w, c.c];
    const fShape = [c.k, c.k, c.c, c.m];
    const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], fShape as [number, number, number, number], c.s, c.d, c.pad as 'valid', undefined, true);
    const x = randomValues(sizeOf(xShape), 61);
    const dy = randomValues(sizeOf(info.outShape), 62);
    const w = randomValues(sizeOf(fShape), 63);
    const ref = reference(c, x, dy, w, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left);
    const backend = tf.backend() as unknown as BackendWasm;
    const read = (t: tf.TensorInfo) => {
      const values = backend.readSync(t.dataId) as Float32Array;
      backend.disposeData(t.dataId);
      return values;
    };
    const [xt, dyt, wt] = [tf.tensor(x, xShape), tf.tensor(dy, info.outShape), tf.tensor(w, fShape)];
    const g = { strides: c.s, pad: c.pad, dilations: c.d };
    expect(relativeError(read(depthwiseBackpropInput(tf, backend, xShape, dyt, wt, g)), ref.dx)).toBeLessThan(1e-5);
    expect(relativeError(read(depthwiseBackpropFilter(tf, backend, xt, dyt, fShape, g)), ref.dw)).toBeLessThan(1e-5);
    tf.dispose([xt, dyt, wt]);

    if (c.d === 1) {
      // tf.grad through tf.depthwiseConv2d: the registered kernels against the cpu backend's.
      const grads = (name: 'cpu' | 'wasm') =>
        onBackend(name, () => {
          const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad as 'valid'), tf.tensor(dy, info.outShape)));
          return tf.grads(f)([tf.tensor(x, xShape), tf.tensor(w, fShape)]);
        });
      const [cpuDx, cpuDw] = await grads('cpu');
      const [wasmDx, wasmDw] = await grads('wasm');
      expect(relativeError(wasmDx!, cpuDx!)).toBeLessThan(1e-5);
      expect(relativeError(wasmDw!, cpuDw!)).toBeLessThan(1e-5);
    }
  });
});
