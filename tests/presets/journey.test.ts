/** The ten rounds of "The Journey of a Deep Neural Network Model" against the published numbers. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

// torchsummary's trainable totals, as published for each round.
const PUBLISHED_TRAINABLE = [6_379_786, 194_884, 10_790, 10_760, 12_352, 5_688, 9_896, 13_848, 9_896, 9_896];

// Output shape of every convolution and pooling block, in order, worked out from the notebooks.
const ROUND_7_SHAPES = ['26×26×8', '24×24×16', '12×12×16', '10×10×16', '8×8×32', '8×8×8', '6×6×16', '1×1×16', '1×1×10'];
const SPATIAL_SHAPES: Record<number, string[]> = {
  1: ['28×28×32', '28×28×64', '14×14×64', '14×14×128', '14×14×256', '7×7×256', '5×5×512', '3×3×1024', '1×1×10'],
  2: ['26×26×32', '24×24×64', '22×22×128', '11×11×128', '11×11×32', '9×9×64', '7×7×128', '7×7×10', '1×1×10'],
  3: ['26×26×10', '24×24×10', '22×22×20', '11×11×20', '11×11×10', '9×9×10', '7×7×20', '7×7×10', '1×1×10'],
  4: ['26×26×16', '24×24×10', '22×22×16', '11×11×16', '11×11×10', '9×9×10', '7×7×16', '7×7×10', '1×1×10'],
  5: ['26×26×8', '24×24×16', '22×22×16', '11×11×16', '11×11×8', '9×9×16', '7×7×16', '7×7×10', '1×1×10'],
  6: ['26×26×8', '24×24×16', '22×22×16', '11×11×16', '11×11×8', '9×9×8', '7×7×16', '7×7×10', '1×1×10'],
  7: ROUND_7_SHAPES,
  8: ['26×26×8', '24×24×16', '24×24×10', '12×12×10', '10×10×32', '8×8×16', '6×6×16', '6×6×16', '1×1×16', '1×1×10'],
  9: ROUND_7_SHAPES,
  10: ROUND_7_SHAPES,
};
const SPATIAL = new Set(['conv2d', 'maxPool2d', 'avgPool2d', 'globalAvgPool']);

describe.each(PUBLISHED_TRAINABLE.map((trainable, i) => ({ round: i + 1, trainable })))('journey round $round', ({ round, trainable }) => {
  const graph = loadPreset(journeyPath(round));
  const analysis = analyzeGraph(graph);

  it(`has no problems and ${trainable.toLocaleString('en-US')} trainable parameters, as torchsummary reports`, () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.totals.params.trainable).toBe(trainable);
  });

  it('counts 2 non-trainable parameters per BatchNorm channel, as Keras does', () => {
    const bnChannels = graph.nodes
      .filter((n) => n.type === 'batchNorm')
      .reduce((sum, n) => sum + analysis.nodes[n.id]!.outputShape!.at(-1)!, 0);
    expect(analysis.totals.params.nonTrainable).toBe(2 * bnChannels);
  });

  it('has the published layer shapes, from 28×28×1 to 10 classes', () => {
    const shapes = analysis.order
      .filter((id) => SPATIAL.has(analysis.nodes[id]!.type))
      .map((id) => analysis.nodes[id]!.outputShape!.join('×'));
    expect(shapes).toEqual(SPATIAL_SHAPES[round]);
    expect(analysis.inputShape).toEqual([28, 28, 1]);
    expect(analysis.outputShape).toEqual([10]);
  });

  it('sees the whole 28×28 image at the output', () => {
    const [height, width] = analysis.receptiveField!.size;
    expect(height).toBeGreaterThanOrEqual(28);
    expect(width).toBeGreaterThanOrEqual(28);
  });
});

describe('round 10', () => {
  const analysis = analyzeGraph(loadPreset(journeyPath(10)));

  it('has a receptive field of exactly 28×28 at the output', () => {
    expect(analysis.receptiveField).toEqual({ size: [28, 28], jump: [2, 2], start: [0, 0] });
  });

  it('has a receptive field of 6×6 at the first max-pool', () => {
    expect(analysis.nodes.pool1!.receptiveField!.size).toEqual([6, 6]);
  });
});
