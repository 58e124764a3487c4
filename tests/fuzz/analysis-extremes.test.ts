/**
 * Designs at the loader's limits: every setting anywhere up to its maximum, stacked. They all load,
 * and the analysis keeps every count exact (safe integers); a block whose counts would pass what
 * it can count is a `too-large` error naming the limit, and nothing after it is counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import { MAX_CHANNELS, MAX_DEPTH_MULTIPLIER, MAX_IMAGE_SIDE, MAX_WINDOW } from '../../main/graph/limits.ts';
import { expectSoundAnalysis } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';

/** Often the maximum itself, often small, sometimes anything between. */
const upTo = (max: number) => fc.oneof(fc.constant(max), fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max }));
const pair = (max: number) => fc.oneof(upTo(max), fc.tuple(upTo(max), upTo(max)));
const padding = fc.oneof(fc.constantFrom('valid', 'same'), upTo(MAX_WINDOW));

type Step = { type: string; params?: Record<string, unknown>; repeat?: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ type: fc.constant('conv2d'), params: fc.record({ filters: upTo(MAX_CHANNELS), kernelSize: pair(MAX_WINDOW), strides: pair(MAX_WINDOW), padding }) }),
  fc.record({ type: fc.constant('conv2d'), params: fc.record({ filters: upTo(MAX_CHANNELS), kernelSize: pair(MAX_WINDOW), dilation: pair(MAX_WINDOW), padding }) }),
  fc.record({ type: fc.constant('depthwiseConv2d'), params: fc.record({ kernelSize: pair(8), depthMultiplier: upTo(MAX_DEPTH_MULTIPLIER), strides: pair(MAX_WINDOW), padding }) }),
  fc.record({ type: fc.constantFrom('maxPool2d', 'avgPool2d'), params: fc.record({ poolSize: pair(MAX_WINDOW), strides: pair(MAX_WINDOW), padding: fc.constantFrom('valid', 'same') }) }),
  fc.record({ type: fc.constant('dense'), params: fc.record({ units: upTo(MAX_CHANNELS) }) }),
  fc.record({ type: fc.constantFrom('flatten', 'batchNorm', 'activation') }),
  fc.record({ type: fc.constant('globalAvgPool'), params: fc.record({ keepDims: fc.boolean() }) }),
  // The tip joined with itself many times over: channels multiply at Concat.
  fc.record({ type: fc.constantFrom('concat', 'add'), repeat: fc.integer({ min: 2, max: 64 }) }),
);

function documentOf(input: Record<string, number>, steps: Step[]): unknown {
  const nodes: Record<string, unknown>[] = [{ id: 'in', type: 'input', params: input }];
  const edges: { source: string; target: string }[] = [];
  let tip = 'in';
  steps.forEach((s, i) => {
    const id = `b${i}`;
    nodes.push(s.params ? { id, type: s.type, params: s.params } : { id, type: s.type });
    for (let k = 0; k < (s.repeat ?? 1); k++) edges.push({ source: tip, target: id });
    tip = id;
  });
  nodes.push({ id: 'out', type: 'output' });
  edges.push({ source: tip, target: 'out' });
  return { format: 'cnn-studio/graph', version: 2, nodes, edges };
}

describe('designs at the limits', () => {
  it('load, and the analysis keeps every count exact', () => {
    const input = fc.record({ height: upTo(MAX_IMAGE_SIDE), width: upTo(MAX_IMAGE_SIDE), channels: upTo(MAX_CHANNELS) });
    let tooLarge = 0;
    fc.assert(
      fc.property(input, fc.array(step, { minLength: 1, maxLength: 12 }), (inputParams, steps) => {
        const loaded = parseGraphDocument(documentOf(inputParams, steps));
        expect(loaded.ok, JSON.stringify(loaded)).toBe(true);
        if (!loaded.ok) return;
        const analysis = analyzeGraph(loaded.graph);
        expectSoundAnalysis(loaded.graph, analysis);
        if (analysis.diagnostics.some((d) => d.code === 'too-large')) tooLarge += 1;
      }),
      fuzzOptions(1_000),
    );
    expect(tooLarge).toBeGreaterThan(0);
  });

  it('calls an input of 16,384 × 16,384 × 65,536 too large, naming the limit', () => {
    const analysis = analyzeGraph(parsed(documentOf({ height: 16_384, width: 16_384, channels: 65_536 }, [{ type: 'flatten' }])));
    expect(analysis.diagnostics).toContainEqual({
      severity: 'error',
      code: 'too-large',
      nodeId: 'in',
      message: "this block's output holds 17,592,186,044,416 values per sample, more than the 2,147,483,648 CNN Studio can handle; use fewer channels or a smaller input",
    });
    expect(analysis.totals.params.total).toBe(0);
  });

  it('calls a receptive field that strides past 2^40 pixels too large instead of rounding it', () => {
    const pools: Step[] = Array.from({ length: 60 }, () => ({ type: 'maxPool2d', params: { poolSize: 1, strides: 2, padding: 'same' } }));
    const analysis = analyzeGraph(parsed(documentOf({ height: 1, width: 1, channels: 1 }, [...pools, { type: 'flatten' }])));
    const [problem] = analysis.diagnostics.filter((d) => d.code === 'too-large');
    expect(problem!.message).toMatch(/^the receptive field here spans 2,199,023,255,552 pixels, more than the 1,099,511,627,776 CNN Studio can count;/);
    expect(analysis.receptiveField).toBeNull();
  });
});

function parsed(value: unknown) {
  const result = parseGraphDocument(value);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.graph;
}
