/** The classic presets beside the journey: LeNet-5, a small residual net, an inception-style block. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { loadPreset, RESOURCES } from '../support/presets.ts';

// Worked out by hand, layer by layer (see docs/graph-format.md for how each block counts).
const CLASSICS = [
  // 156 + 2,416 + 48,120 + 10,164 + 850
  { file: 'lenet-5.json', trainable: 61_706, nonTrainable: 0, blocks: ['conv2d', 'avgPool2d', 'dense'] },
  // convs 144 + 2×2,304 + 4,608 + 9,216 + 512, BN 2C each, dense 330
  { file: 'small-resnet.json', trainable: 19_706, nonTrainable: 288, blocks: ['add', 'batchNorm', 'globalAvgPool'] },
  // stem 144 + 32, branches 128 + 136 + 576 + 68 + 400 + 64, BN 48, dense 250
  { file: 'inception-block.json', trainable: 1_846, nonTrainable: 80, blocks: ['concat', 'maxPool2d'] },
];

describe.each(CLASSICS)('$file', ({ file, trainable, nonTrainable, blocks }) => {
  const graph = loadPreset(`${RESOURCES}presets/${file}`);
  const analysis = analyzeGraph(graph);

  it('is valid, with the hand-counted parameters', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.totals.params).toEqual({ trainable, nonTrainable, total: trainable + nonTrainable });
  });

  it('takes an MNIST image and gives 10 class scores', () => {
    expect(analysis.inputShape).toEqual([28, 28, 1]);
    expect(analysis.outputShape).toEqual([10]);
  });

  it('uses the blocks it is meant to show', () => {
    const types = new Set(graph.nodes.map((n) => n.type));
    for (const block of blocks) expect(types).toContain(block);
  });

  it('gives every block a position for the editor', () => {
    expect(graph.nodes.every((n) => n.position !== undefined)).toBe(true);
  });
});
