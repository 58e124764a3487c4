import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilter, conv2dBackpropInput, setConvolutionRoute, type ConvGeometry } from '../../main/backends/wasm/conv2d-backprop.ts';
import { windowed } from '../../main/backends/wasm/conv-geometry.ts';
import { WasmKernels, type BackendWasm } from '../../main/backends/wasm/heap.ts';
import { setFmaAllowed, wasmFeatures } from '../../main/backends/wasm/features.ts';
import { setSimdEnabled } from '../../main/backends/wasm/simd-kernels.ts';
import { onBackend, randomValues, relativeError, sizeOf, tf, wasmReady } from './wasm-test-utils.ts';

type Pad = ConvGeometry['pad'];
interface Case {
  n: number; h: number; w: number; ci: number; co: number; k: [number, number];
  s: [number, number]; d: [number, number]; pad: Pad;
}

const cases: Case[] = [];
const pads: Pad[] = ['valid', 'same', [[0, 0], [1, 2], [2, 0], [0, 0]], 1];
let variant = 0;
for (const k of [1, 3, 5]) {
  for (const s of [1, 2]) {
    for (const d of [1, 2]) {
      if (s > 1 && d > 1) continue; // TensorFlow.js convolutions take one or the other
      for (const pad of pads) {
        variant++;
        const n = [1, 2, 3][variant % 3]!;
        // Input channels in fours (4, 8, 12, 16) take the SIMD input gradient, with 1–4 vectors per tile.
        const ci = [1, 3, 8, 4, 12, 16][variant % 6]!;
        const co = [4, 1, 5, 8, 20, 32][(variant >> 1) % 6]!;
        const h = 9 + (variant % 4);
        const w = 8 + ((variant >> 2) % 3);
        const kw = k === 5 && variant % 2 ? 3 : k;
        if ((k - 1) * d + 1 > h || (kw - 1) * d + 1 > w) continue;
        cases.push({ n, h, w, ci, co, k: [k, kw], s: [s, s === 2 && variant % 3 === 0 ? 1 : s], d: [d, d], pad });
      }
    }
  }
}

function geometry(c: Case): ConvGeometry {
  return { strides: c.s, pad: c.pad, dilations: c.d };
}

/** Direct loops over the definition of the convolution and its gradients. */
function reference(c: Case, x: Float32Array, dy: Float32Array, filter: Float32Array, outH: number, outW: number, pt: number, pl: number) {
  const [fh, fw] = c.k;
  const dw = new Float64Array(fh * fw * c.ci * c.co);
  const dx = new Float64Array(c.n * c.h * c.w * c.ci);
  const y = new Float64Array(c.n * outH * outW * c.co);
  for (let b = 0; b < c.n; b++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++)
        for (let kh = 0; kh < fh; kh++)
          for (let kw = 0; kw < fw; kw++) {
            const i = oh * c.s[0] - pt + kh * c.d[0];
            const j = ow * c.s[1] - pl + kw * c.d[1];
            if (i < 0 || i >= c.h || j < 0 || j >= c.w) continue;
            for (let ci = 0; ci < c.ci; ci++)
              for (let co = 0; co < c.co; co++) {
                const g = dy[((b * outH + oh) * outW + ow) * c.co + co]!;
                dw[((kh * fw + kw) * c.ci + ci) * c.co + co]! += x[((b * c.h + i) * c.w + j) * c.ci + ci]! * g;
                dx[((b * c.h + i) * c.w + j) * c.ci + ci]! += filter[((kh * fw + kw) * c.ci + ci) * c.co + co]! * g;
                y[((b * outH + oh) * outW + ow) * c.co + co]! += x[((b * c.h + i) * c.w + j) * c.ci + ci]! * filter[((kh * fw + kw) * c.ci + ci) * c.co + co]!;
              }
          }
  return { dw, dx, y };
}

function label(c: Case): string {
  return `n${c.n} ${c.h}x${c.w}x${c.ci}→${c.co} k${c.k} s${c.s} d${c.d} pad ${JSON.stringify(c.pad)}`;
}

describe('conv2d and its gradients on wasm', () => {
  beforeAll(wasmReady);
  afterEach(() => {
    setConvolutionRoute('auto');
    setSimdEnabled(true);
    setFmaAllowed(true);
  });

  it('uses fused multiply-adds where the runtime validates relaxed SIMD (Node 20 behind a flag that features.ts sets)', () => {
    expect(wasmFeatures()).toEqual({ simd: true, fma: true });
  });

  it('pads and crops inputs the same with SIMD bulk copies and with JavaScript', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as BackendWasm;
    const x = tf.tensor(randomValues(2 * 5 * 6 * 3, 9), [2, 5, 6, 3]);
    for (const [hp, wp, pt, pl] of [[9, 10, 2, 2], [4, 4, 0, 0], [7, 5, 1, 3], [3, 8, 0, 1], [6, 6, 3, 0]] as const) {
      let copied = true;
      const results = [true, false].map((simd) => {
        setSimdEnabled(simd);
        const { source, owned } = windowed(backend, x, hp, wp, pt, pl);
        copied = owned;
        const values = Array.from(backend.readSync(source.dataId) as Float32Array);
        if (owned) backend.disposeData(source.dataId);
        return values;
      });
      expect(results[0]).toEqual(results[1]);
      if (!copied) continue; // x itself already covers the windows
      const xv = x.dataSync();
      // Spot-check the layout: dst (b, i, j, c) = x (b, i − pt, j − pl, c) or 0.
      for (let k = 0; k < results[0]!.length; k += 7) {
        const c = k % 3;
        const j = Math.floor(k / 3) % wp;
        const i = Math.floor(k / (3 * wp)) % hp;
        const b = Math.floor(k / (3 * wp * hp));
        const si = i - pt;
        const sj = j - pl;
        const expected = si >= 0 && si < 5 && sj >= 0 && sj < 6 ? xv[((b * 5 + si) * 6 + sj) * 3 + c] : 0;
        expect(results[0]![k]).toBe(expected);
      }
    }
    x.dispose();
  });

  it('covers the parameter grid', () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.some((c) => c.d[0] === 2)).toBe(true);
    expect(cases.some((c) => c.s[0] === 2)).toBe(true);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    await tf.setBackend('wasm');
    const xShape = [c.n, c.h, c.w, c.ci];
    const filterShape = [c.k[0], c.k[1], c.ci, c.co];
    const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], c.s, c.d, c.pad as 'valid');
    const dyShape = info.outShape;
    const x = randomValues(sizeOf(xShape), 1);
    const dy = randomValues(sizeOf(dyShape), 2);
    const filter = randomValues(sizeOf(filterShape), 3);
    const ref = reference(c, x, dy, filter, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left);

    const backend = tf.backend() as unknown as BackendWasm;
    const kernels = new WasmKernels(tf);
    const read = (t: tf.TensorInfo) => {
      const values = backend.readSync(t.dataId) as Float32Array;
      backend.disposeData(t.dataId);
      return values;
    };
    const xt = tf.tensor(x, xShape);
    const dyt = tf.tensor(dy, dyShape);
    const ft = tf.tensor(filter, filterShape);
    const g = geometry(c);
    // The generated kernels with multiply-adds fused and not; XNNPACK's once.
    for (const fma of [true, false]) {
      setFmaAllowed(fma);
      for (const method of ['dy-filter', 'x-filter', 'simd'] as const) {
        if (method === 'simd' ? c.co % 4 !== 0 : !fma) continue;
        const dw = read(conv2dBackpropFilter(tf, kernels, backend, xt, dyt, filterShape, g, method));
        expect(relativeError(dw, ref.dw), `filter gradient, ${method}, fma ${fma}`).toBeLessThan(1e-4);
      }
      for (const route of fma ? (['simd', 'xnnpack'] as const) : (['simd'] as const)) {
        setConvolutionRoute(route);
        const dx = read(conv2dBackpropInput(tf, kernels, backend, xShape, dyt, ft, g));
        expect(relativeError(dx, ref.dx), `input gradient, ${route}, fma ${fma}`).toBeLessThan(1e-4);
        // The registered Conv2D kernel (the op asserts strides or dilations are 1, as in TF).
        const y = tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, c.s, c.pad as 'valid', 'NHWC', c.d);
        expect(relativeError(y.dataSync(), ref.y), `forward, ${route}, fma ${fma}`).toBeLessThan(1e-4);
        y.dispose();
      }
    }
    setConvolutionRoute('auto');
    setFmaAllowed(true);
    tf.dispose([xt, dyt, ft]);

    if (c.d[0] === 1 && c.d[1] === 1) {
      // The registered kernels against the cpu backend's.
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap;
      const run = (backendName: 'cpu' | 'wasm') =>
        onBackend(backendName, () => {
          const xt = tf.tensor(x, xShape);
          const dyt = tf.tensor(dy, dyShape);
          const ft = tf.tensor(filter, filterShape);
          return [
            tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape }) as tf.Tensor,
            tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { ...attrs, inputShape: xShape }) as tf.Tensor,
          ];
        });
      const [cpuDw, cpuDx] = await run('cpu');
      const [wasmDw, wasmDx] = await run('wasm');
      expect(relativeError(wasmDw!, cpuDw!)).toBeLessThan(1e-4);
      expect(relativeError(wasmDx!, cpuDx!)).toBeLessThan(1e-4);
    }
  });
});
