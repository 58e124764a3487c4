/**
 * The PyTorch export of the journey's ten rounds and the three classic presets, read back by
 * torch-source.ts: the parameter count recomputed from the constructor arguments against the
 * studio's (and torchsummary's published) totals, the layer order against the analysis, the
 * shapes `forward` produces against the analysis, and the file's form.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { exportPyTorch } from '../../main/export/index.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';
import { expectFaithfulPyTorch } from './expect-pytorch.ts';
import { methodLines, parseLayers, torchParams } from './torch-source.ts';

// torchsummary's trainable totals, as published for each round of the journey.
const PUBLISHED_TRAINABLE = [6_379_786, 194_884, 10_790, 10_760, 12_352, 5_688, 9_896, 13_848, 9_896, 9_896];

const CASES = [
  ...PUBLISHED_TRAINABLE.map((trainable, i) => ({ label: `journey round ${i + 1}`, path: journeyPath(i + 1), trainable })),
  ...['lenet-5', 'small-resnet', 'inception-block'].map((name) => ({ label: name, path: `${RESOURCES}presets/${name}.json`, trainable: undefined })),
];

describe.each(CASES)('PyTorch export of $label', ({ path, trainable }) => {
  const graph = loadPreset(path);
  const analysis = analyzeGraph(graph);
  const source = exportPyTorch(graph, analysis);

  it('declares layers whose parameters add up to the studio count (and the published torchsummary total)', () => {
    const counted = parseLayers(source).reduce((sum, layer) => sum + torchParams(layer), 0);
    expect(counted).toBe(analysis.totals.params.trainable);
    if (trainable !== undefined) expect(counted).toBe(trainable);
  });

  it('follows the analysis order, runs forward to the analysed shapes and checks itself in __main__', () => {
    expectFaithfulPyTorch(graph, source);
  });

  it('references every declared layer in forward', () => {
    const forward = methodLines(source, 'forward').join('\n');
    for (const layer of parseLayers(source)) expect(forward).toContain(`self.${layer.name}(`);
  });

  it('is a module with imports, one class and a docstring naming the graph and its count', () => {
    expect(source.startsWith(`"""${graph.name}\n`)).toBe(true);
    expect(source).toContain(analysis.totals.params.trainable.toLocaleString('en-US'));
    expect(source).toMatch(/^import torch\nimport torch\.nn as nn\nimport torch\.nn\.functional as F$/m);
    expect(source.match(/^class \w+\(nn\.Module\):$/gm)).toHaveLength(1);
    expect(source).toMatch(/^ {4}def __init__\(self\):\n {8}super\(\)\.__init__\(\)$/m);
    expect(source).toMatch(/^ {4}def forward\(self, x\):$/m);
  });
});

describe('PyTorch export of the journey', () => {
  it('maps round 4 BatchNorm momentum 0.9 to PyTorch 0.1 and keeps epsilon', () => {
    const source = exportPyTorch(loadPreset(journeyPath(4)));
    const norms = parseLayers(source).filter((layer) => layer.kind === 'BatchNorm2d');
    expect(norms).toHaveLength(7);
    for (const norm of norms) expect(norm.keywords).toEqual({ eps: '1e-5', momentum: '0.1' });
  });

  it('returns log-probabilities and says to train with NLLLoss', () => {
    const source = exportPyTorch(loadPreset(journeyPath(1)));
    expect(source).toContain('return F.log_softmax(x, dim=1)');
    expect(source).toContain('nn.NLLLoss');
  });

  it('uses explicit padding 1 as padding=1 on the Conv2d (round 1)', () => {
    const conv1 = parseLayers(exportPyTorch(loadPreset(journeyPath(1)))).find((layer) => layer.name === 'conv1')!;
    expect(conv1).toEqual({ name: 'conv1', kind: 'Conv2d', positional: ['1', '32'], keywords: { kernel_size: '3', padding: '1' }, frozen: new Set() });
  });

  it('names the class after the graph', () => {
    expect(exportPyTorch(loadPreset(journeyPath(1)))).toContain('class JourneyRound1PlainSetUp(nn.Module):');
  });
});
