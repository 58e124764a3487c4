/**
 * Shape and parameter arithmetic of every block kind over grids of settings, checked against
 * the textbook formulas (written here independently of the analysis' own helpers).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { chainOf } from '../support/graphs.ts';

const span = (k: number, d: number) => d * (k - 1) + 1;
const validLength = (n: number, k: number, s: number, d: number) => Math.ceil((n - span(k, d) + 1) / s);
const sameLength = (n: number, s: number) => Math.ceil(n / s);

function analyseChain(input: [number, number, number], blocks: { type: string; params?: Record<string, unknown> }[]) {
  const analysis = analyzeGraph(chainOf(input, blocks));
  return { analysis, last: analysis.nodes[`b${blocks.length}`]! };
}

const grid = { kernel: [1, 2, 3, 5, 7], stride: [1, 2, 3], dilation: [1, 2], inputSize: [7, 12, 28] };

describe('Conv2d arithmetic', () => {
  for (const k of grid.kernel)
    for (const s of grid.stride)
      for (const d of grid.dilation)
        for (const n of grid.inputSize) {
          if (s > 1 && d > 1) continue;
          it(`k=${k} s=${s} d=${d} on ${n}×${n}×3`, () => {
            for (const padding of ['valid', 'same', 1] as const) {
              const { last } = analyseChain([n, n, 3], [{ type: 'conv2d', params: { filters: 4, kernelSize: k, strides: s, dilation: d, padding, useBias: true } }]);
              const expected =
                padding === 'valid' ? validLength(n, k, s, d) : padding === 'same' ? sameLength(n, s) : Math.floor((n + 2 - span(k, d)) / s) + 1;
              if (expected <= 0) {
                expect(last.outputShape).toBeNull();
                continue;
              }
              expect(last.outputShape).toEqual([expected, expected, 4]);
              expect(last.params).toEqual({ trainable: k * k * 3 * 4 + 4, nonTrainable: 0 });
              expect(last.macs).toBe(expected * expected * 4 * k * k * 3);
            }
          });
        }

  it('handles rectangular kernels, strides and asymmetric padding per axis', () => {
    const { last } = analyseChain([20, 30, 2], [
      { type: 'conv2d', params: { filters: 5, kernelSize: [3, 5], strides: [1, 2], padding: [0, 1, 2, 2], useBias: false } },
    ]);
    expect(last.outputShape).toEqual([19, 15, 5]);
    expect(last.params.trainable).toBe(3 * 5 * 2 * 5);
  });

  it('counts no bias when useBias is off', () => {
    const { last } = analyseChain([28, 28, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 3, useBias: false } }]);
    expect(last.params.trainable).toBe(72);
  });
});

describe('DepthwiseConv2d arithmetic', () => {
  for (const k of [1, 3, 5])
    for (const m of [1, 2])
      it(`k=${k} depth multiplier ${m}`, () => {
        const { last } = analyseChain([16, 16, 6], [{ type: 'depthwiseConv2d', params: { kernelSize: k, depthMultiplier: m, padding: 'same' } }]);
        expect(last.outputShape).toEqual([16, 16, 6 * m]);
        expect(last.params.trainable).toBe(k * k * 6 * m + 6 * m);
        expect(last.macs).toBe(16 * 16 * 6 * m * k * k);
      });
});

describe('pooling arithmetic', () => {
  for (const type of ['maxPool2d', 'avgPool2d'])
    for (const pool of [2, 3])
      for (const stride of [undefined, 1, 2])
        for (const padding of ['valid', 'same'] as const)
          for (const n of [7, 12, 28])
            it(`${type} ${pool}×${pool} stride ${stride ?? 'default'} ${padding} on ${n}`, () => {
              const s = stride ?? pool;
              const { last } = analyseChain([n, n, 5], [{ type, params: { poolSize: pool, ...(stride ? { strides: stride } : {}), padding } }]);
              const expected = padding === 'valid' ? validLength(n, pool, s, 1) : sameLength(n, s);
              expect(last.outputShape).toEqual([expected, expected, 5]);
              expect(last.params).toEqual({ trainable: 0, nonTrainable: 0 });
            });

  it('GlobalAvgPool gives a vector, or 1×1×C with keepDims', () => {
    expect(analyseChain([6, 6, 16], [{ type: 'globalAvgPool' }]).last.outputShape).toEqual([16]);
    expect(analyseChain([6, 6, 16], [{ type: 'globalAvgPool', params: { keepDims: true } }]).last.outputShape).toEqual([1, 1, 16]);
  });
});

describe('shape-keeping blocks', () => {
  for (const channels of [1, 8, 32])
    it(`BatchNorm on ${channels} channels: 2 trainable and 2 non-trainable per channel`, () => {
      const { last } = analyseChain([10, 10, channels], [{ type: 'batchNorm' }]);
      expect(last.outputShape).toEqual([10, 10, channels]);
      expect(last.params).toEqual({ trainable: 2 * channels, nonTrainable: 2 * channels });
    });

  it('BatchNorm after Dense normalises the features', () => {
    const { last } = analyseChain([4, 4, 2], [{ type: 'flatten' }, { type: 'dense', params: { units: 12 } }, { type: 'batchNorm' }]);
    expect(last.params).toEqual({ trainable: 24, nonTrainable: 24 });
  });

  it('activations and dropout keep the shape and have no parameters', () => {
    const { analysis } = analyseChain([5, 5, 3], [{ type: 'activation', params: { function: 'leakyRelu', alpha: 0.2 } }, { type: 'dropout', params: { rate: 0.5 } }]);
    expect(analysis.nodes.b2!.outputShape).toEqual([5, 5, 3]);
    expect(analysis.totals.params.trainable).toBe(0);
  });
});

describe('Flatten and Dense', () => {
  for (const units of [1, 10, 84])
    for (const useBias of [true, false])
      it(`Dense ${units} ${useBias ? 'with' : 'without'} bias after Flatten of 7×7×4`, () => {
        const { analysis, last } = analyseChain([7, 7, 4], [{ type: 'flatten' }, { type: 'dense', params: { units, useBias } }]);
        expect(analysis.nodes.b1!.outputShape).toEqual([196]);
        expect(last.outputShape).toEqual([units]);
        expect(last.params.trainable).toBe(196 * units + (useBias ? units : 0));
        expect(last.macs).toBe(196 * units);
      });
});

describe('activation memory', () => {
  it('sums every block output, 4 bytes a value', () => {
    const { analysis } = analyseChain([4, 4, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }]);
    expect(analysis.totals.activations).toBe(16 + 8 + 8);
    expect(analysis.totals.activationBytes).toBe(32 * 4);
  });
});
