/**
 * The PyTorch export of the journey's ten rounds and the three classic presets, as text: the
 * layers in the analysis' order and all called, the file's form, and what the journey needs said.
 * Their parameter counts (against torchsummary's published totals) and what they compute are
 * checked in real PyTorch by pytorch-real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { exportPyTorch } from '../../main/export/index.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { PRESETS } from './export-graphs.ts';
import { expectReadablePyTorch } from './expect-pytorch.ts';
import { parseLayers } from './pytorch-source.ts';

describe.each(PRESETS)('PyTorch export of $label', ({ graph }) => {
  const analysis = analyzeGraph(graph);
  const source = exportPyTorch(graph, analysis);

  it('declares the layers in the analysis order, calls each in forward and checks itself in __main__', () => {
    expectReadablePyTorch(graph, source);
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
