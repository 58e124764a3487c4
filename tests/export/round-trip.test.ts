/**
 * Export, then import: the same graph comes back. Through the Keras architecture JSON and through
 * the TensorFlow.js model topology (what a run's saved model.json holds), for every preset, for
 * reports/09 (a Keras file whose logits output once came back as an extra block) and for random
 * graphs with frozen blocks and BatchNorms without shift or scale. "The same" is what the diff
 * (analysis/graph-diff.ts) sees — blocks, settings, connections — plus the order of every block's
 * inputs (Concat's channel order), and the graph's analysis; only positions may differ, and the
 * training section, which an architecture file does not carry.
 */
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { describeDiff, diffGraphs } from '../../main/analysis/graph-diff.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { seededRandom, type Random } from '../../main/data/random.ts';
import { exportKerasJson } from '../../main/export/index.ts';
import type { GraphDocument, GraphNode } from '../../main/graph/types.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { loadPreset, RESOURCES } from '../support/presets.ts';
import { randomGraph } from '../support/random-graph.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const PRESETS = ['journey', 'presets'].flatMap((folder) =>
  readdirSync(`${RESOURCES}${folder}`)
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${folder}/${name}`),
);

/** The topology TensorFlow.js writes into a saved model.json, weights left out. */
async function tfjsModelJson(graph: GraphDocument): Promise<unknown> {
  const model = compileGraph(tf, graph);
  try {
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    return { format: 'layers-model', generatedBy: 'TensorFlow.js', modelTopology: saved!.modelTopology, weightsManifest: [] };
  } finally {
    model.dispose();
  }
}

const EXPORTS: [string, (graph: GraphDocument) => Promise<unknown>][] = [
  ['Keras JSON', async (graph) => exportKerasJson(tf, graph)],
  ['TensorFlow.js model.json', tfjsModelJson],
];

function imported(value: unknown): GraphDocument {
  const result = importKerasTopology(value);
  if (!result.ok) throw new Error(`import failed: ${result.problems.join('; ')}`);
  return result.graph;
}

const inputsOf = (graph: GraphDocument) =>
  Object.fromEntries(graph.nodes.map((node) => [node.id, graph.edges.filter((e) => e.target === node.id).map((e) => e.source)]));

async function expectRoundTrip(graph: GraphDocument, write: (graph: GraphDocument) => Promise<unknown>): Promise<void> {
  const back = imported(await write(graph));
  const architecture = { ...graph, training: undefined };
  expect(describeDiff(diffGraphs(architecture, back))).toEqual([]);
  expect(inputsOf(back)).toEqual(inputsOf(graph));
  const [before, after] = [analyzeGraph(graph), analyzeGraph(back)];
  expect(after.totals).toEqual(before.totals);
  expect(after.coverage).toEqual(before.coverage);
}

describe.each(EXPORTS)('round trip through %s', (_format, write) => {
  it.each(PRESETS)('%s comes back unchanged', async (path) => {
    await expectRoundTrip(loadPreset(`${RESOURCES}${path}`), write);
  });

  it('reports/09 (imported from Keras, logits output, BatchNorm momentum 0.99, 0.9, 0.97) comes back unchanged', async () => {
    const graph = imported(JSON.parse(readFileSync(new URL('../fixtures/reports/09-bn-momentum.json', import.meta.url), 'utf8')));
    expect(graph.nodes.filter((n) => n.type === 'output')).toMatchObject([{ id: 'output', params: { activation: 'none' } }]);
    await expectRoundTrip(graph, write);
    // Twice over, too: what comes back exports to the same file.
    const once = imported(await write(graph));
    expect(JSON.stringify(await write(once))).toBe(JSON.stringify(await write(graph)));
  });

  it('80 random graphs, some blocks frozen, some BatchNorms without shift or scale, come back unchanged', async () => {
    const random = seededRandom(2611);
    for (let i = 0; i < 80; i++) {
      const graph = varied(randomGraph(random), random);
      try {
        await expectRoundTrip(graph, write);
      } catch (error) {
        throw new Error(`random graph ${i}: ${(error as Error).message}\n${JSON.stringify(graph.nodes)}`);
      }
    }
  });
});

/** Freezes about a fifth of the blocks and takes the shift or scale off some BatchNorms. */
function varied(graph: GraphDocument, random: Random): GraphDocument {
  const nodes = graph.nodes.map((node): GraphNode => {
    let next: GraphNode = node;
    if (node.type !== 'input' && random() < 0.2) next = { ...next, trainable: false };
    if (next.type === 'batchNorm' && random() < 0.5) next = { ...next, params: { ...next.params, ...(random() < 0.5 ? { center: false } : { scale: false }) } };
    return next;
  });
  return { ...graph, nodes };
}
