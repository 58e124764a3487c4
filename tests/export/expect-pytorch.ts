/** The checks every PyTorch export must pass, shared by the preset and the random-graph tests. */
import { expect } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { channelsFirst } from '../../main/export/export-plan.ts';
import { exportPyTorch, pythonNames } from '../../main/export/index.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { parseLayers, runForward, torchParams } from './torch-source.ts';

/** Blocks that become a layer of their own; Input, Output, Add and Concat are written in forward. */
const LAYER_BLOCKS = new Set(['conv2d', 'depthwiseConv2d', 'batchNorm', 'activation', 'dropout', 'maxPool2d', 'avgPool2d', 'globalAvgPool', 'flatten', 'dense']);

/**
 * Checks a PyTorch export against the studio's analysis of the graph: parameter count, layer order,
 * every layer's output shape, what forward returns, indentation and the __main__ self-check.
 */
export function expectFaithfulPyTorch(graph: GraphDocument, source = exportPyTorch(graph)): void {
  const analysis = analyzeGraph(graph);
  const layers = parseLayers(source);
  const names = pythonNames(graph);

  // Parameters, recomputed from the constructor arguments.
  expect(layers.reduce((sum, layer) => sum + torchParams(layer), 0)).toBe(analysis.totals.params.trainable);

  // One layer per block, in the analysis' evaluation order, padding layers just before their block.
  const blockLayers = layers.filter((layer) => layer.kind !== 'ZeroPad2d');
  const expected = analysis.order.filter((id) => LAYER_BLOCKS.has(analysis.nodes[id]!.type)).map((id) => names.get(id)!);
  expect(blockLayers.map((layer) => layer.name)).toEqual(expected);
  layers.forEach((layer, index) => {
    if (layer.kind === 'ZeroPad2d') expect(layer.name.startsWith(`${layers[index + 1]!.name}_pad`), layer.name).toBe(true);
  });

  // forward, run on shapes: each layer's output is the analysis' shape, channels first.
  const run = runForward(source, [...channelsFirst(analysis.inputShape!)]);
  for (const id of analysis.order) {
    if (!LAYER_BLOCKS.has(analysis.nodes[id]!.type)) continue;
    expect(run.lineShapes.get(names.get(id)!), `${id} (${analysis.nodes[id]!.type})`).toEqual([...channelsFirst(analysis.nodes[id]!.outputShape!)]);
  }
  expect(run.output).toEqual([...analysis.outputShape!]);
  expect(new Set(run.calls)).toEqual(new Set(layers.map((layer) => layer.name)));
  const output = graph.nodes.find((node) => node.type === 'output')!;
  expect(run.returns).toBe(output.type === 'output' && output.params.activation === 'softmax' ? 'log_softmax' : 'logits');

  // Form: indentation in fours, and the self-check with the studio's number.
  for (const line of source.split('\n')) expect(line.length - line.trimStart().length, JSON.stringify(line)).toSatisfy((n: number) => n % 4 === 0);
  expect(source).toContain(`EXPECTED_TRAINABLE_PARAMS = ${analysis.totals.params.trainable}\n`);
  expect(source).toMatch(/\nif __name__ == "__main__":\n(    .*\n)*    assert trainable == EXPECTED_TRAINABLE_PARAMS/);
  expect(source).toContain('trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)');
}
