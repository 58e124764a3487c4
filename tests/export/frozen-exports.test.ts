/**
 * Frozen blocks and BatchNorm without shift or scale in every export, on reports/02 (a Keras model
 * with a frozen Conv2D and a frozen Dense: Keras and TensorFlow.js count 67 trainable, 8,304
 * non-trainable, 8,371 in all). The PyTorch module runs in real PyTorch (Debian's python3-torch):
 * its trainable count, and a training step that must leave every frozen weight, and a frozen
 * BatchNorm's running statistics, as they were.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { exportKerasJson, exportKerasPython, exportPyTorch } from '../../main/export/index.ts';
import type { GraphDocument, GraphNode } from '../../main/graph/types.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { expectReadablePyTorch } from './expect-pytorch.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function frozenReport(): GraphDocument {
  const result = importKerasTopology(JSON.parse(readFileSync(new URL('../fixtures/reports/02-frozen-layers.json', import.meta.url), 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.graph;
}

/** reports/02 with its BatchNorm frozen too, and a second BatchNorm (no shift) after the first Dense. */
function withFrozenNorm(): GraphDocument {
  const graph = frozenReport();
  const nodes = graph.nodes.map((n): GraphNode => (n.id === 'bn' ? { ...n, trainable: false } : n));
  nodes.push({ id: 'bn_flat', type: 'batchNorm', params: { momentum: 0.9, epsilon: 1e-5, center: false } });
  const edges = graph.edges.map((e) => (e.source === 'frozen_fc' ? { ...e, source: 'bn_flat' } : e));
  edges.push({ source: 'frozen_fc', target: 'bn_flat' });
  return { ...graph, nodes, edges };
}

const PYTHON = '/usr/bin/python3';

/** Runs the exported module in PyTorch: counts, then one SGD step on random data, comparing weights before and after. */
function runInTorch(source: string): { trainable: number; total: number; changed: string[]; unchanged: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-torch-'));
  writeFileSync(join(folder, 'exported.py'), source);
  const check = [
    'import json, sys, torch',
    `sys.path.insert(0, ${JSON.stringify(folder)})`,
    'import exported',
    'torch.manual_seed(0)',
    'cls = next(v for v in vars(exported).values() if isinstance(v, type) and issubclass(v, torch.nn.Module) and v is not torch.nn.Module)',
    'model = cls()',
    'state = {k: v.clone() for k, v in model.state_dict().items()}',
    'model.train()',
    'opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.5)',
    'x = torch.rand(8, *exported.INPUT_SHAPE)',
    'loss = model(x).pow(2).sum()',
    'loss.backward()',
    'opt.step()',
    'after = model.state_dict()',
    'changed = sorted(k for k in state if k.split(".")[-1] != "num_batches_tracked" and not torch.equal(state[k], after[k]))',
    'unchanged = sorted(k for k in state if k.split(".")[-1] != "num_batches_tracked" and torch.equal(state[k], after[k]))',
    'print(json.dumps({"trainable": sum(p.numel() for p in model.parameters() if p.requires_grad), "total": sum(p.numel() for p in model.parameters()), "changed": changed, "unchanged": unchanged}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', check], { encoding: 'utf8', timeout: 120_000 }));
}

describe('reports/02: frozen layers from Keras', () => {
  it('counts 67 trainable, 8,304 non-trainable, 8,371 in all, as Keras and TensorFlow.js do', () => {
    expect(analyzeGraph(frozenReport()).totals.params).toMatchObject({ trainable: 67, nonTrainable: 8_304, total: 8_371 });
  });

  it('exports Keras JSON that TensorFlow.js loads with the same counts and frozen layers', async () => {
    const json = exportKerasJson(tf, frozenReport()) as { config: { layers: { name: string; config: { trainable?: boolean } }[] } };
    expect(json.config.layers.filter((l) => l.config.trainable === false).map((l) => l.name)).toEqual(['frozen_conv', 'frozen_fc']);
    const model = await tf.models.modelFromJSON(json as never);
    try {
      expect(model.countParams()).toBe(8_371);
      expect(model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0)).toBe(67);
    } finally {
      model.dispose();
    }
  });

  it('exports a Keras script that freezes the same layers and expects the same counts', () => {
    const source = exportKerasPython(frozenReport());
    expect(source).toContain('x = layers.Conv2D(8, (3, 3), padding="valid", name="frozen_conv", trainable=False)(inputs)');
    expect(source).toContain('x = layers.Dense(16, name="frozen_fc", trainable=False)(x)');
    expect(source).toContain('\nEXPECTED_TRAINABLE_PARAMS = 67\n');
    expect(source).toContain('\nEXPECTED_TOTAL_PARAMS = 8371  #');
  });

  it('exports a PyTorch module whose frozen parameters PyTorch leaves out of training', () => {
    const source = exportPyTorch(frozenReport());
    expect(source).toContain('self.frozen_conv.requires_grad_(False)  # frozen (trainable: false)');
    expectReadablePyTorch(frozenReport(), source);
    const torch = runInTorch(source);
    // PyTorch counts BatchNorm's running statistics as buffers, not parameters: 8,371 − 16.
    expect(torch).toMatchObject({ trainable: 67, total: 8_355 });
    expect(torch.unchanged).toEqual(expect.arrayContaining(['frozen_conv.weight', 'frozen_conv.bias', 'frozen_fc.weight', 'frozen_fc.bias']));
    expect(torch.changed).toEqual(expect.arrayContaining(['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'head.weight', 'head.bias']));
  });
});

describe('a frozen BatchNorm, and one without shift, in PyTorch', () => {
  it('keeps the frozen one in inference mode and the shift of the other at 0', () => {
    const graph = withFrozenNorm();
    // bn frozen: 32 non-trainable; bn_flat (16 features, no shift): 16 trainable, 32 non-trainable.
    const analysis = analyzeGraph(graph);
    expect(analysis.nodes.bn!.params).toEqual({ trainable: 0, nonTrainable: 32 });
    expect(analysis.nodes.bn_flat!.params).toEqual({ trainable: 16, nonTrainable: 32 });
    const source = exportPyTorch(graph);
    expectReadablePyTorch(graph, source);
    expect(source).toContain('    def train(self, mode=True):\n        super().train(mode)\n');
    const torch = runInTorch(source);
    expect(torch.trainable).toBe(analysis.totals.params.trainable);
    expect(torch.unchanged).toEqual(expect.arrayContaining(['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn_flat.bias']));
    expect(torch.changed).toEqual(expect.arrayContaining(['bn_flat.weight', 'bn_flat.running_mean', 'head.weight']));
  });
});
