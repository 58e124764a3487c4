import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropout, dropoutSeed } from '../../main/backends/wasm/dropout.ts';
import { setSimdEnabled } from '../../main/backends/wasm/simd-kernels.ts';
import { onBackend, randomValues, relativeError, tf, wasmReady } from './wasm-test-utils.ts';

describe('element-wise wasm kernels', () => {
  beforeAll(wasmReady);
  afterEach(() => setSimdEnabled(true));

  for (const simd of [true, false]) {
    for (const size of [1, 7, 64, 1001]) {
      it(`${simd ? 'SIMD' : 'JS'} ReLU gradient, ${size} values`, async () => {
        setSimdEnabled(simd);
        const x = randomValues(size, 31);
        x[0] = 0;
        if (size > 3) {
          x[1] = NaN;
          x[2] = Infinity;
          x[3] = -Infinity;
        }
        const dy = randomValues(size, 32);
        const run = (backend: 'cpu' | 'wasm') => onBackend(backend, () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor(dy))))(tf.tensor(x)));
        const [expected] = await run('cpu');
        const [actual] = await run('wasm');
        // dy·0 is −0 on the cpu backend for negative dy; the sign of zero does not matter here.
        const show = (v: number) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v);
        expect(Array.from(actual!, show)).toEqual(Array.from(expected!, show));
      });
    }

    for (const rate of [0.1, 0.5, 0.9]) {
      it(`${simd ? 'SIMD' : 'JS'} dropout at rate ${rate}: distribution, scaling, and a gradient with the same mask`, async () => {
        setSimdEnabled(simd);
        await tf.setBackend('wasm');
        const n = 40_003;
        const x = tf.tensor(randomValues(n, 33).map((v) => v + 2)); // never 0
        const dy = tf.tensor(randomValues(n, 34).map((v) => v + 2));
        const seed = dropoutSeed();
        const y = dropout(tf, x, rate, seed);
        const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(dropout(tf, v, rate, seed), dy)))(x);
        const [xv, yv, dyv, dxv] = [x, y, dy, dx].map((t) => t.dataSync()) as [Float32Array, Float32Array, Float32Array, Float32Array];
        let kept = 0;
        const scale = 1 / (1 - rate);
        for (let i = 0; i < n; i++) {
          const keep = yv[i] !== 0;
          if (keep) kept++;
          expect(yv[i]).toBeCloseTo(keep ? xv[i]! * scale : 0, 5);
          expect(dxv[i]).toBeCloseTo(keep ? dyv[i]! * scale : 0, 5);
        }
        // Binomial(n, 1 − rate): 5 standard deviations.
        const sd = Math.sqrt(n * rate * (1 - rate));
        expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(5 * sd);
        tf.dispose([x, dy, y, dx]);
      });
    }
  }

  it('dropout: the SIMD and JavaScript paths draw the same mask from the same seed', async () => {
    await tf.setBackend('wasm');
    const seed = dropoutSeed();
    const x = tf.ones([1027]);
    setSimdEnabled(true);
    const a = dropout(tf, x, 0.3, seed);
    setSimdEnabled(false);
    const b = dropout(tf, x, 0.3, seed);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('dropout masks differ between calls and streams are not correlated across lanes', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([4096]);
    const a = dropout(tf, x, 0.5).dataSync();
    const b = dropout(tf, x, 0.5).dataSync();
    let same = 0;
    let laneAgree = 0;
    for (let i = 0; i < a.length; i++) if ((a[i] === 0) === (b[i] === 0)) same++;
    for (let i = 0; i + 1 < a.length; i += 4) if ((a[i] === 0) === (a[i + 1] === 0)) laneAgree++;
    expect(same / a.length).toBeGreaterThan(0.4);
    expect(same / a.length).toBeLessThan(0.6);
    expect(laneAgree / (a.length / 4)).toBeGreaterThan(0.4);
    expect(laneAgree / (a.length / 4)).toBeLessThan(0.6);
    x.dispose();
  });

  it('Identity and same-type Cast share data without copying, and keep it alive', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    const w = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    expect(w.dtype).toBe('int32');
    expect(relativeError(w.dataSync(), [1, 2, 3])).toBe(0);
    tf.dispose([y, z, w]);
  });
});

describe('patched tfjs-layers Dropout on wasm', () => {
  beforeAll(wasmReady);

  it('drops and rescales in training, passes through otherwise', async () => {
    await tf.setBackend('wasm');
    const layer = tf.layers.dropout({ rate: 0.25 });
    const x = tf.ones([8, 10, 10, 4]);
    const train = layer.apply(x, { training: true }) as tf.Tensor;
    const infer = layer.apply(x) as tf.Tensor;
    const values = train.dataSync();
    const zeros = values.filter((v) => v === 0).length;
    expect(zeros / values.length).toBeGreaterThan(0.2);
    expect(zeros / values.length).toBeLessThan(0.3);
    expect(values.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(Array.from(infer.dataSync()).every((v) => v === 1)).toBe(true);
    tf.dispose([x, train, infer]);
  });
});
