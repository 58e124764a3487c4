/**
 * How every PyTorch export must read, shared by the preset and the hand-made graph tests. What it
 * computes (values, shapes, parameter counts, the self-check passing) is checked in real PyTorch
 * by pytorch-real.test.ts; this is the part a reader sees and Python does not check.
 */
import { expect } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { exportPyTorch, pythonNames } from '../../main/export/index.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { methodLines, parseLayers } from './pytorch-source.ts';

/** Blocks that become a layer of their own; Input, Output, Add and Concat are written in forward. */
const LAYER_BLOCKS = new Set(['conv2d', 'depthwiseConv2d', 'batchNorm', 'activation', 'dropout', 'maxPool2d', 'avgPool2d', 'globalAvgPool', 'flatten', 'dense']);

/**
 * `__init__` declares one layer per block in the analysis' evaluation order, named after the
 * block, padding layers just before their block; `forward` calls every one of them; lines are
 * indented in fours; the file ends with the self-check carrying the studio's count.
 */
export function expectReadablePyTorch(graph: GraphDocument, source = exportPyTorch(graph)): void {
  const analysis = analyzeGraph(graph);
  const layers = parseLayers(source);
  const names = pythonNames(graph);

  const blockLayers = layers.filter((layer) => layer.kind !== 'ZeroPad2d');
  const expected = analysis.order.filter((id) => LAYER_BLOCKS.has(analysis.nodes[id]!.type)).map((id) => names.get(id)!);
  expect(blockLayers.map((layer) => layer.name)).toEqual(expected);
  layers.forEach((layer, index) => {
    if (layer.kind === 'ZeroPad2d') expect(layer.name.startsWith(`${layers[index + 1]!.name}_pad`), layer.name).toBe(true);
  });
  const forward = methodLines(source, 'forward').join('\n');
  for (const layer of layers) expect(forward).toContain(`self.${layer.name}(`);

  for (const line of source.split('\n')) expect(line.length - line.trimStart().length, JSON.stringify(line)).toSatisfy((n: number) => n % 4 === 0);
  expect(source).toContain(`EXPECTED_TRAINABLE_PARAMS = ${analysis.totals.params.trainable}\n`);
  expect(source).toMatch(/\nif __name__ == "__main__":\n(    .*\n)*    assert trainable == EXPECTED_TRAINABLE_PARAMS/);
  expect(source).toContain('trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)');
}
