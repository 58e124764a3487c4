/**
 * A sample of mutated graphs through the TensorFlow.js compiler on the cpu backend: a graph the
 * analysis calls valid compiles, and every layer's output shape and the parameter counts match
 * the analysis; one it does not is refused with the analysis' own message, never with an error
 * from inside TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import { compileGraph, GraphNotCompilableError } from '../../main/compile/to-tfjs.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { expectCleanMessage } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { compileFriendlyMutation, mutateGraph } from './support/graph-mutations.ts';
import { GRAPH_SEEDS } from './support/seed-documents.ts';

/** The share of the sample that must compile (about 0.7 does with the seed in fuzz-settings.ts). */
const MIN_COMPILED_SHARE = 0.5;

/** Large enough for every preset; beyond it, building the weights would cost more than it shows. */
const MAX_PARAMS = 2_000_000;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const seedIndex = fc.nat({ max: GRAPH_SEEDS.length - 1 });
const mutations = fc.array(compileFriendlyMutation, { minLength: 1, maxLength: 3 });

/** Compiles the graph and checks the model against the analysis; says which of the two outcomes it was. */
function expectCompiledToMatch(graph: GraphDocument): 'compiled' | 'refused' {
  const analysis = analyzeGraph(graph);
  let model: tf.LayersModel;
  try {
    model = compileGraph(tf, graph, { analysis });
  } catch (error) {
    // Refusing is right only for graphs the analysis refuses, and only with its own message.
    expect(analysis.valid, `a valid graph failed to compile: ${String(error)}`).toBe(false);
    expect(error).toBeInstanceOf(GraphNotCompilableError);
    expectCleanMessage((error as Error).message);
    return 'refused';
  }
  try {
    expect(analysis.valid).toBe(true);
    expect(model.countParams()).toBe(analysis.totals.params.total);
    const trainable = model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    expect(trainable).toBe(analysis.totals.params.trainable);
    const names = layerNames(graph);
    for (const node of graph.nodes) {
      const result = analysis.nodes[node.id]!;
      // Flatten of a flat vector compiles to nothing; there is no layer to compare.
      if (node.type === 'flatten' && result.inputShapes[0]!.length === 1) continue;
      expect(model.getLayer(names.get(node.id)!).outputShape, `${node.id} (${node.type})`).toEqual([null, ...result.outputShape!]);
    }
  } finally {
    model.dispose();
  }
  return 'compiled';
}

describe('compiling mutated graphs', () => {
  it('builds every graph the analysis accepts as analysed, and refuses the others with the analysis’ message', () => {
    const outcomes = { compiled: 0, refused: 0 };
    const options = fuzzOptions(400);
    fc.assert(
      fc.property(seedIndex, mutations, (seed, list) => {
        const loaded = parseGraphDocument(mutateGraph(GRAPH_SEEDS[seed], list).value);
        if (!loaded.ok) return;
        if (analyzeGraph(loaded.graph).totals.params.total > MAX_PARAMS) return;
        outcomes[expectCompiledToMatch(loaded.graph)] += 1;
      }),
      options,
    );
    // The mutations are meant to keep graphs buildable: a sample that mostly fails to compile
    // (or never reaches the compiler) shows nothing about the compiler.
    const runs = options.numRuns ?? 100;
    expect(outcomes.compiled, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(runs * MIN_COMPILED_SHARE);
    expect(outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(0);
  });
});
