/**
 * What the PyTorch export writes for hand-made graphs: branches and merges, every kind of padding
 * (against TensorFlow's own padding arithmetic, `backend_util.computeConv2DInfo`), each block
 * kind's layer, names, errors, and the layout of 300 seeded random graphs. What the files compute
 * is checked in real PyTorch by pytorch-real.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportPyTorch, GraphNotExportableError, pythonNames } from '../../main/export/index.ts';
import { chainOf } from '../support/graphs.ts';
import { randomGraph } from '../support/random-graph.ts';
import { around, convPaddingGrid, DEPTHWISE, EVERY_ACTIVATION, FLAT_BATCH_NORM, FLAT_MERGES, inception, KEEP_DIMS, ODD_NAMES, poolPaddingGrid, RESIDUAL } from './export-graphs.ts';
import { expectReadablePyTorch } from './expect-pytorch.ts';
import { methodLines, pair, parseLayers } from './pytorch-source.ts';

const forwardOf = (source: string) => methodLines(source, 'forward').map((line) => line.trim()).filter((line) => !line.startsWith('#'));
const layerOf = (source: string, name: string) => parseLayers(source).find((layer) => layer.name === name)!;

describe('branches and merges', () => {
  const residual = RESIDUAL;

  it('keeps the skip connection in its own variable and adds the branches', () => {
    expect(forwardOf(exportPyTorch(residual))).toEqual([
      'x = self.conv1(x)',
      'relu1 = self.relu1(x)',
      'x = self.conv2(relu1)',
      'bn2 = self.bn2(x)',
      'x = bn2 + relu1',
      'x = self.relu2(x)',
      'x = torch.flatten(self.gap(x), 1)',
      'return x',
    ]);
    expectReadablePyTorch(residual);
  });

  it('keeps the input for every branch and concatenates along channels in edge order', () => {
    const source = exportPyTorch(inception(['a', 'b', 'c']));
    expect(forwardOf(source)).toEqual([
      'in_ = x',
      'a = self.a(in_)',
      'b = self.b(in_)',
      'c = self.c(in_)',
      'x = torch.cat([a, b, c], dim=1)',
      'x = self.flat(x.permute(0, 2, 3, 1))',
      'return F.log_softmax(x, dim=1)',
    ]);
    expect(forwardOf(exportPyTorch(inception(['c', 'a', 'b'])))).toContain('x = torch.cat([c, a, b], dim=1)');
    expectReadablePyTorch(inception(['c', 'a', 'b']));
  });

  it('adds three branches and merges flat vectors', () => {
    const graph = FLAT_MERGES;
    const forward = forwardOf(exportPyTorch(graph));
    expect(forward).toContain('sum_ = d1 + d2 + d3');
    expect(forward).toContain('x = torch.cat([sum_, d1], dim=1)');
    expectReadablePyTorch(graph);
  });
});

/** Per axis, the padding PyTorch applies before and after: the layer's `padding=` plus any F.pad or ZeroPad2d in front. */
function convPadding(source: string, name: string): { height: [number, number]; width: [number, number] } {
  const conv = layerOf(source, name);
  const [ph, pw] = pair(conv.keywords.padding, [0, 0]);
  const line = forwardOf(source).find((l) => l.includes(`self.${name}(`))!;
  const explicit = /F\.pad\(\w+, \((\d+), (\d+), (\d+), (\d+)\)\)/.exec(line)?.slice(1).map(Number);
  const zeroPad = parseLayers(source).find((layer) => layer.kind === 'ZeroPad2d' && line.includes(`self.${layer.name}(`));
  const [l, r, t, b] = explicit ?? zeroPad?.positional[0]!.replace(/[()]/g, '').split(',').map(Number) ?? [0, 0, 0, 0];
  return { height: [ph + t!, ph + b!], width: [pw + l!, pw + r!] };
}

describe('convolution padding', () => {
  it('pads asymmetric "same" (stride 2 on an even input) with F.pad before the conv', () => {
    const source = exportPyTorch(around([28, 28, 3], { type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' } }));
    expect(source).toContain('x = self.b1(F.pad(x, (0, 1, 0, 1)))');
    expect(source).toContain('# TensorFlow "same" padding on a 28x28 input: 0 top, 1 bottom, 0 left, 1 right');
    expect(layerOf(source, 'b1').keywords.padding).toBeUndefined();
  });

  it('pads "same" with an even kernel one more after than before', () => {
    const source = exportPyTorch(around([9, 9, 1], { type: 'conv2d', params: { filters: 2, kernelSize: [2, 4], padding: 'same' } }));
    expect(convPadding(source, 'b1')).toEqual({ height: [0, 1], width: [1, 2] });
  });

  it('turns symmetric "same" and explicit padding into padding=, and asymmetric explicit padding into ZeroPad2d', () => {
    const same = exportPyTorch(around([9, 9, 1], { type: 'conv2d', params: { filters: 2, kernelSize: 5, dilation: 2, padding: 'same' } }));
    expect(layerOf(same, 'b1').keywords).toEqual({ kernel_size: '5', padding: '4', dilation: '2' });
    const explicit = exportPyTorch(around([9, 9, 1], { type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: [1, 2] } }));
    expect(layerOf(explicit, 'b1').keywords.padding).toBe('(1, 2)');
    const uneven = exportPyTorch(around([9, 9, 1], { type: 'depthwiseConv2d', params: { kernelSize: 3, padding: [0, 1, 2, 0] } }));
    expect(parseLayers(uneven).map((l) => `${l.name}: ${l.kind}(${l.positional.join(', ')})`)).toEqual([
      'b1_pad: ZeroPad2d((2, 0, 0, 1))',
      'b1: Conv2d(1, 1)',
      'b2: Flatten()',
    ]);
    expect(forwardOf(uneven)[0]).toBe('x = self.b1(self.b1_pad(x))');
  });

  it("pads as TensorFlow's own computeConv2DInfo does, and fits the kernel exactly where TensorFlow does, for every input size, kernel, stride, dilation and padding", () => {
    let checked = 0;
    for (const { length, kernel, stride, dilation, padding, graph } of convPaddingGrid()) {
      const label = JSON.stringify({ length, kernel, stride, dilation, padding });
      // TensorFlow's explicit padding is per dimension of NHWC: [[0, 0], [top, bottom], [left, right], [0, 0]].
      const pad = Array.isArray(padding) ? [[0, 0], [padding[0], padding[1]], [padding[2], padding[3]], [0, 0]] : padding;
      const info = tf.backend_util.computeConv2DInfo([1, length, length + 1, 2], [kernel, kernel, 2, 3], stride, dilation, pad as never);
      const analysis = analyzeGraph(graph);
      expect(analysis.valid, `${label}: the analysis accepts exactly when TensorFlow's output is at least 1×1`).toBe(info.outHeight >= 1 && info.outWidth >= 1);
      if (!analysis.valid) continue;
      expect(analysis.nodes.b1!.outputShape, label).toEqual([info.outHeight, info.outWidth, 3]);
      const source = exportPyTorch(graph);
      expect(convPadding(source, 'b1'), label).toEqual({
        height: [info.padInfo.top, info.padInfo.bottom],
        width: [info.padInfo.left, info.padInfo.right],
      });
      expectReadablePyTorch(graph, source);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('pooling padding', () => {
  // The windows themselves are checked by value in real PyTorch over a grid (pytorch-real.test.ts).
  it("pads pools as TensorFlow's own computePool2DInfo does", () => {
    for (const { type, length, kernel, stride, padding, graph } of poolPaddingGrid()) {
      const info = tf.backend_util.computePool2DInfo([1, length, length + 1, 2], [kernel, kernel + 1], stride, 1, padding);
      const analysis = analyzeGraph(graph);
      const label = JSON.stringify({ type, length, kernel, stride, padding });
      expect(analysis.valid, label).toBe(info.outHeight >= 1 && info.outWidth >= 1);
      if (!analysis.valid) continue;
      expect(analysis.nodes.b1!.outputShape, label).toEqual([info.outHeight, info.outWidth, 2]);
      const source = exportPyTorch(graph);
      const layer = layerOf(source, 'b1');
      const line = forwardOf(source)[0]!;
      // PyTorch pads both sides alike: the larger side, and one window dropped when it is after (stride 1)...
      const sides = [[info.padInfo.top, info.padInfo.bottom], [info.padInfo.left, info.padInfo.right]] as const;
      const padded = pair(layer.keywords.padding, [0, 0]);
      sides.forEach(([before, after], axis) => {
        const dropped = axis === 0 ? /\[:, :, 1:/.test(line) : /, 1:\]$/.test(line);
        const ceil = layer.keywords.ceil_mode === 'True';
        // ... or the side before, with ceil_mode adding the window that reaches into the extra pixel (stride ≥ 2).
        if (dropped) expect([padded[axis], after - before, stride], label).toEqual([after, 1, 1]);
        else if (after > before) expect([padded[axis], ceil], label).toEqual([before, true]);
        else expect(padded[axis], label).toBe(before);
      });
      if (type === 'avgPool2d' && (layer.keywords.padding !== undefined || layer.keywords.ceil_mode)) expect(layer.keywords.count_include_pad, label).toBe('False');
    }
  });

  it('uses ceil_mode for the extra pixel of a stride-2 pool on an odd input', () => {
    const source = exportPyTorch(around([7, 7, 1], { type: 'avgPool2d', params: { poolSize: 2, padding: 'same' } }));
    expect(layerOf(source, 'b1').keywords).toEqual({ kernel_size: '2', ceil_mode: 'True', count_include_pad: 'False' });
  });

  it('pads an even stride-1 pool on both sides and drops the first window', () => {
    const source = exportPyTorch(around([6, 6, 1], { type: 'maxPool2d', params: { poolSize: 2, strides: 1, padding: 'same' } }));
    expect(layerOf(source, 'b1').keywords).toEqual({ kernel_size: '2', stride: '1', padding: '1' });
    expect(forwardOf(source)[0]).toBe('x = self.b1(x)[:, :, 1:, 1:]');
  });
});

describe('block kinds', () => {
  it('maps every activation to its PyTorch module', () => {
    const layers = parseLayers(exportPyTorch(EVERY_ACTIVATION)).slice(1);
    expect(layers.map((l) => `${l.kind}(${Object.entries(l.keywords).map(([k, v]) => `${k}=${v}`).join('')})`)).toEqual([
      'ReLU()', 'ReLU6()', 'LeakyReLU(negative_slope=0.2)', 'ELU()', 'SELU()', 'GELU()', 'SiLU()', 'Mish()', 'Sigmoid()', 'Tanh()', 'Softplus()', 'Softsign()', 'Identity()',
    ]);
  });

  it('makes a depthwise convolution a grouped Conv2d with in × multiplier outputs', () => {
    expect(layerOf(exportPyTorch(DEPTHWISE), 'b1')).toMatchObject({ kind: 'Conv2d', positional: ['3', '6'], keywords: { kernel_size: '3', groups: '3', bias: 'False' } });
    expectReadablePyTorch(DEPTHWISE);
  });

  it('uses BatchNorm1d and Dropout on flat vectors, and converts momentum', () => {
    const layers = parseLayers(exportPyTorch(FLAT_BATCH_NORM));
    expect(layers.map((l) => l.kind)).toEqual(['Flatten', 'BatchNorm1d', 'Dropout', 'Linear']);
    expect(layers[1]!.keywords).toEqual({ eps: '0.001', momentum: '0.01' });
    expect(layers[2]!.keywords).toEqual({ p: '0.25' });
    expect(layers[3]!.keywords).toEqual({ bias: 'False' });
    expectReadablePyTorch(FLAT_BATCH_NORM);
  });

  it('keeps GlobalAvgPool 1×1 with keepDims and flattens it without', () => {
    const keep = exportPyTorch(KEEP_DIMS);
    expect(forwardOf(keep).slice(0, 3)).toEqual(['x = self.b1(x)', 'x = self.b2(x)', 'x = self.b3(x)']);
    const flat = exportPyTorch(chainOf([6, 6, 2], [{ type: 'globalAvgPool' }, { type: 'output' }]));
    expect(forwardOf(flat)[0]).toBe('x = torch.flatten(self.b1(x), 1)');
    expect(layerOf(flat, 'b1').kind).toBe('AdaptiveAvgPool2d');
  });

  it("flattens a map larger than 1×1 in TensorFlow's order (height, width, channels), and a 1×1 map as it is", () => {
    const map = exportPyTorch(around([3, 3, 2], { type: 'activation' }));
    expect(forwardOf(map)).toContain('x = self.b2(x.permute(0, 2, 3, 1))');
    expect(map).toContain("# Flattened in TensorFlow's order (height, width, channels) = (3, 3, 2), as in the studio,");
    const pixel = exportPyTorch(chainOf([3, 3, 2], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }, { type: 'output' }]));
    expect(forwardOf(pixel)).toContain('x = self.b2(x)');
    expect(pixel).not.toContain('permute');
  });
});

describe('names and errors', () => {
  it('turns node ids into unique Python identifiers clear of keywords and nn.Module attributes', () => {
    const graph = chainOf([4, 4, 1], [{ type: 'activation' }, { type: 'flatten' }, { type: 'output' }]);
    const ids = ['in', 'conv-1', 'conv_1', '1x1', 'train', 'class', 'self', 'x', '__init__', 'F', 'kernel size'];
    graph.nodes = ids.map((id, i) => ({ ...graph.nodes[Math.min(i, 3)]!, id }));
    expect([...pythonNames(graph).values()]).toEqual(['in_', 'conv_1', 'conv_1_2', 'n_1x1', 'train_', 'class_', 'self_', 'x_', 'init__', 'F_', 'kernel_size']);
  });

  it('names layers after odd node ids, clear of the padding layer names', () => {
    const layers = parseLayers(exportPyTorch(ODD_NAMES)).map((l) => l.name);
    expect(layers).toEqual(['conv_1_pad_2', 'conv_1', 'conv_1_pad', 'for_']);
    expectReadablePyTorch(ODD_NAMES);
  });

  it('names the class after the option, the graph, or Net', () => {
    const graph = around([4, 4, 1], { type: 'activation' });
    expect(exportPyTorch(graph)).toContain('class Net(nn.Module):');
    expect(exportPyTorch({ ...graph, name: '3 little "convs"' })).toContain('class Net3LittleConvs(nn.Module):');
    expect(exportPyTorch(graph, undefined, { className: 'Tiny' })).toContain('class Tiny(nn.Module):');
    expect(() => exportPyTorch(graph, undefined, { className: 'not valid' })).toThrow(/class name/);
  });

  it('keeps quotes and line breaks in the name and description out of the docstring syntax', () => {
    const graph = { ...around([4, 4, 1], { type: 'activation' }), name: 'A """quoted""" \\ name', description: 'line one\nline two' };
    const source = exportPyTorch(graph);
    expect(source.startsWith("\"\"\"A '''quoted''' / name\n\nline one line two\n")).toBe(true);
    expect(source.match(/"""/g)).toHaveLength(4);
  });

  it('refuses a graph the analysis rejects, saying why', () => {
    const graph = chainOf([4, 4, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }]);
    expect(() => exportPyTorch(graph)).toThrow(GraphNotExportableError);
    expect(() => exportPyTorch(graph)).toThrow(/cannot export the graph as PyTorch: it has 1 error \(the graph has no Output block/);
    const tooSmall = chainOf([2, 2, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }, { type: 'output' }]);
    expect(() => exportPyTorch({ ...tooSmall, name: 'tiny' })).toThrow(/cannot export "tiny" as PyTorch: it has 1 error \(b1: the 3×3 kernel does not fit/);
  });
});

describe('random graphs', () => {
  it('lay out 300 seeded random graphs with branches, merges and every block kind as the analysis orders them', () => {
    const random = seededRandom(20261129);
    for (let i = 0; i < 300; i++) {
      const graph = randomGraph(random);
      let source = '';
      try {
        source = exportPyTorch(graph);
        expectReadablePyTorch(graph, source);
      } catch (error) {
        throw new Error(`random graph ${i}: ${(error as Error).message}\n${source}`);
      }
    }
  });
});
