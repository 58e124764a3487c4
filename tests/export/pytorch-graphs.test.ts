/**
 * The PyTorch export on hand-made graphs: branches and merges, every kind of padding (checked
 * window by window against TensorFlow's), each block kind's layer, names, errors, and 300 seeded
 * random graphs run through the shape reader.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { axisPadding } from '../../main/analysis/conv-arithmetic.ts';
import { seededRandom } from '../../main/data/random.ts';
import { exportPyTorch, GraphNotExportableError, pythonNames } from '../../main/export/index.ts';
import type { Padding } from '../../main/graph/types.ts';
import { chainOf, graphOf, type RawNode } from '../support/graphs.ts';
import { randomGraph } from '../support/random-graph.ts';
import { expectFaithfulPyTorch } from './expect-pytorch.ts';
import { methodLines, pair, parseLayers, poolLength, type TorchLayer } from './torch-source.ts';

const forwardOf = (source: string) => methodLines(source, 'forward').map((line) => line.trim()).filter((line) => !line.startsWith('#'));
const layerOf = (source: string, name: string) => parseLayers(source).find((layer) => layer.name === name)!;

/** A graph of one block under test between an image input and a flatten + output. */
function around(input: [number, number, number], block: Omit<RawNode, 'id'>) {
  return chainOf(input, [block, { type: 'flatten' }, { type: 'output' }]);
}

describe('branches and merges', () => {
  const residual = graphOf(
    [
      { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 3 } },
      { id: 'conv1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same' } },
      { id: 'relu1', type: 'activation' },
      { id: 'conv2', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', useBias: false } },
      { id: 'bn2', type: 'batchNorm' },
      { id: 'add', type: 'add' },
      { id: 'relu2', type: 'activation' },
      { id: 'gap', type: 'globalAvgPool' },
      { id: 'out', type: 'output', params: { activation: 'none' } },
    ],
    [['in', 'conv1'], ['conv1', 'relu1'], ['relu1', 'conv2'], ['conv2', 'bn2'], ['bn2', 'add'], ['relu1', 'add'], ['add', 'relu2'], ['relu2', 'gap'], ['gap', 'out']],
  );

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
    expectFaithfulPyTorch(residual);
  });

  const inception = (order: string[]) =>
    graphOf(
      [
        { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 3 } },
        { id: 'a', type: 'conv2d', params: { filters: 2, kernelSize: 1 } },
        { id: 'b', type: 'conv2d', params: { filters: 3, kernelSize: 3, padding: 'same' } },
        { id: 'c', type: 'maxPool2d', params: { poolSize: 3, strides: 1, padding: 'same' } },
        { id: 'cat', type: 'concat' },
        { id: 'flat', type: 'flatten' },
        { id: 'out', type: 'output' },
      ],
      [['in', 'a'], ['in', 'b'], ['in', 'c'], ...order.map((id): [string, string] => [id, 'cat']), ['cat', 'flat'], ['flat', 'out']],
    );

  it('keeps the input for every branch and concatenates along channels in edge order', () => {
    const source = exportPyTorch(inception(['a', 'b', 'c']));
    expect(forwardOf(source)).toEqual([
      'in_ = x',
      'a = self.a(in_)',
      'b = self.b(in_)',
      'c = self.c(in_)',
      'x = torch.cat([a, b, c], dim=1)',
      'x = self.flat(x)',
      'return F.log_softmax(x, dim=1)',
    ]);
    expect(forwardOf(exportPyTorch(inception(['c', 'a', 'b'])))).toContain('x = torch.cat([c, a, b], dim=1)');
    expectFaithfulPyTorch(inception(['c', 'a', 'b']));
  });

  it('adds three branches and merges flat vectors', () => {
    const graph = graphOf(
      [
        { id: 'in', type: 'input', params: { height: 4, width: 4, channels: 2 } },
        { id: 'flat', type: 'flatten' },
        { id: 'd1', type: 'dense', params: { units: 5 } },
        { id: 'd2', type: 'dense', params: { units: 5 } },
        { id: 'd3', type: 'dense', params: { units: 5 } },
        { id: 'sum', type: 'add' },
        { id: 'cat', type: 'concat' },
        { id: 'out', type: 'output' },
      ],
      [['in', 'flat'], ['flat', 'd1'], ['flat', 'd2'], ['flat', 'd3'], ['d1', 'sum'], ['d2', 'sum'], ['d3', 'sum'], ['sum', 'cat'], ['d1', 'cat'], ['cat', 'out']],
    );
    const forward = forwardOf(exportPyTorch(graph));
    expect(forward).toContain('sum_ = d1 + d2 + d3');
    expect(forward).toContain('x = torch.cat([sum_, d1], dim=1)');
    expectFaithfulPyTorch(graph);
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

  it("matches TensorFlow's padding on both sides for every kernel, stride, dilation and input size", () => {
    for (const length of [3, 4, 7, 8, 9])
      for (const kernel of [1, 2, 3, 4, 5])
        for (const stride of [1, 2, 3])
          for (const dilation of stride === 1 ? [1, 2] : [1])
            for (const padding of ['same', 'valid', [1, 0, 2, 1], [1, 1, 1, 1]] as Padding[]) {
              const graph = around([length, length + 1, 2], { type: 'conv2d', params: { filters: 3, kernelSize: [kernel, kernel], strides: stride, dilation, padding } });
              if (!analyzeGraph(graph).valid) continue;
              const source = exportPyTorch(graph);
              const span = dilation * (kernel - 1) + 1;
              expect(convPadding(source, 'b1'), JSON.stringify({ length, kernel, stride, dilation, padding })).toEqual({
                height: axisPadding(padding, 0, length, span, stride),
                width: axisPadding(padding, 1, length + 1, span, stride),
              });
              expectFaithfulPyTorch(graph, source);
            }
  });
});

/** The pixels each output of a pooling layer sees, per axis, clipped to the image. */
function torchWindows(layer: TorchLayer, dropFirst: boolean, axis: 0 | 1, length: number): [number, number][] {
  const kernel = pair(layer.keywords.kernel_size, [0, 0])[axis];
  const stride = pair(layer.keywords.stride, pair(layer.keywords.kernel_size, [0, 0]))[axis];
  const pad = pair(layer.keywords.padding, [0, 0])[axis];
  const count = poolLength(length, kernel, stride, pad, layer.keywords.ceil_mode === 'True');
  const windows: [number, number][] = [];
  for (let i = dropFirst ? 1 : 0; i < count; i++) {
    const start = i * stride - pad;
    windows.push([Math.max(start, 0), Math.min(start + kernel, length)]);
  }
  return windows;
}

function tensorflowWindows(padding: 'valid' | 'same', kernel: number, stride: number, length: number): [number, number][] {
  const [before, after] = axisPadding(padding, 0, length, kernel, stride);
  const count = Math.floor((length + before + after - kernel) / stride) + 1;
  return Array.from({ length: count }, (_, i): [number, number] => [Math.max(i * stride - before, 0), Math.min(i * stride - before + kernel, length)]);
}

describe('pooling padding', () => {
  it('gives "same" max and average pooling exactly the windows TensorFlow uses, ignoring padded pixels', () => {
    for (const type of ['maxPool2d', 'avgPool2d'] as const)
      for (const length of [1, 2, 3, 5, 6, 7, 8])
        for (const kernel of [1, 2, 3, 4])
          for (const stride of [1, 2, 3])
            for (const padding of ['same', 'valid'] as const) {
              const graph = around([length, length + 1, 2], { type, params: { poolSize: [kernel, kernel + 1], strides: [stride, stride], padding } });
              if (!analyzeGraph(graph).valid) continue;
              const source = exportPyTorch(graph);
              const layer = layerOf(source, 'b1');
              const line = forwardOf(source)[0]!;
              const label = JSON.stringify({ type, length, kernel, stride, padding, line, layer });
              expect(torchWindows(layer, /\[:, :, 1:/.test(line), 0, length), label).toEqual(tensorflowWindows(padding, kernel, stride, length));
              expect(torchWindows(layer, /, 1:\]$/.test(line), 1, length + 1), label).toEqual(tensorflowWindows(padding, kernel + 1, stride, length + 1));
              // Averages over the image pixels only, as TensorFlow does.
              if (type === 'avgPool2d' && padding === 'same' && /padding=|ceil_mode/.test(source)) expect(layer.keywords.count_include_pad).toBe('False');
              expectFaithfulPyTorch(graph, source);
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
    const functions = ['relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'gelu', 'swish', 'mish', 'sigmoid', 'tanh', 'softplus', 'softsign', 'linear'];
    const graph = chainOf([4, 4, 1], [{ type: 'flatten' }, ...functions.map((fn) => ({ type: 'activation', params: { function: fn, alpha: 0.2 } })), { type: 'output' }]);
    const layers = parseLayers(exportPyTorch(graph)).slice(1);
    expect(layers.map((l) => `${l.kind}(${Object.entries(l.keywords).map(([k, v]) => `${k}=${v}`).join('')})`)).toEqual([
      'ReLU()', 'ReLU6()', 'LeakyReLU(negative_slope=0.2)', 'ELU()', 'SELU()', 'GELU()', 'SiLU()', 'Mish()', 'Sigmoid()', 'Tanh()', 'Softplus()', 'Softsign()', 'Identity()',
    ]);
  });

  it('makes a depthwise convolution a grouped Conv2d with in × multiplier outputs', () => {
    const graph = around([8, 8, 3], { type: 'depthwiseConv2d', params: { kernelSize: 3, depthMultiplier: 2, useBias: false } });
    expect(layerOf(exportPyTorch(graph), 'b1')).toMatchObject({ kind: 'Conv2d', positional: ['3', '6'], keywords: { kernel_size: '3', groups: '3', bias: 'False' } });
    expectFaithfulPyTorch(graph);
  });

  it('uses BatchNorm1d and Dropout on flat vectors, and converts momentum', () => {
    const graph = chainOf([4, 4, 2], [{ type: 'flatten' }, { type: 'batchNorm', params: { momentum: 0.99, epsilon: 0.001 } }, { type: 'dropout', params: { rate: 0.25 } }, { type: 'dense', params: { units: 3, useBias: false } }, { type: 'output' }]);
    const layers = parseLayers(exportPyTorch(graph));
    expect(layers.map((l) => l.kind)).toEqual(['Flatten', 'BatchNorm1d', 'Dropout', 'Linear']);
    expect(layers[1]!.keywords).toEqual({ eps: '0.001', momentum: '0.01' });
    expect(layers[2]!.keywords).toEqual({ p: '0.25' });
    expect(layers[3]!.keywords).toEqual({ bias: 'False' });
    expectFaithfulPyTorch(graph);
  });

  it('keeps GlobalAvgPool 1×1 with keepDims and flattens it without', () => {
    const keep = exportPyTorch(chainOf([6, 6, 2], [{ type: 'globalAvgPool', params: { keepDims: true } }, { type: 'conv2d', params: { filters: 3, kernelSize: 1 } }, { type: 'flatten' }, { type: 'output' }]));
    expect(forwardOf(keep).slice(0, 3)).toEqual(['x = self.b1(x)', 'x = self.b2(x)', 'x = self.b3(x)']);
    const flat = exportPyTorch(chainOf([6, 6, 2], [{ type: 'globalAvgPool' }, { type: 'output' }]));
    expect(forwardOf(flat)[0]).toBe('x = torch.flatten(self.b1(x), 1)');
    expect(layerOf(flat, 'b1').kind).toBe('AdaptiveAvgPool2d');
  });

  it('notes the flatten order only after a map larger than 1×1', () => {
    expect(exportPyTorch(around([3, 3, 2], { type: 'activation' }))).toContain('TensorFlow flattens (height, width, channels) = (3, 3, 2)');
    expect(exportPyTorch(chainOf([3, 3, 2], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }, { type: 'output' }]))).not.toContain('Flatten order');
  });
});

describe('names and errors', () => {
  it('turns node ids into unique Python identifiers clear of keywords and nn.Module attributes', () => {
    const graph = chainOf([4, 4, 1], [{ type: 'activation' }, { type: 'flatten' }, { type: 'output' }]);
    const ids = ['in', 'conv-1', 'conv_1', '1x1', 'train', 'class', 'self', 'x', '__init__', 'F', 'kernel size'];
    graph.nodes = ids.map((id, i) => ({ ...graph.nodes[Math.min(i, 3)]!, id }));
    expect([...pythonNames(graph).values()]).toEqual(['in_', 'conv_1', 'conv_1_2', 'n_1x1', 'train_', 'class_', 'self_', 'x_', 'init__', 'F_', 'kernel_size']);
  });

  it('names layers after odd node ids and still runs', () => {
    const graph = graphOf(
      [
        { id: 'input image', type: 'input', params: { height: 6, width: 6, channels: 1 } },
        { id: 'conv 1', type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: [0, 1, 0, 1] } },
        { id: 'conv_1_pad', type: 'activation', params: { function: 'leakyRelu' } },
        { id: 'for', type: 'flatten' },
        { id: 'out', type: 'output' },
      ],
      [['input image', 'conv 1'], ['conv 1', 'conv_1_pad'], ['conv_1_pad', 'for'], ['for', 'out']],
    );
    const layers = parseLayers(exportPyTorch(graph)).map((l) => l.name);
    expect(layers).toEqual(['conv_1_pad_2', 'conv_1', 'conv_1_pad', 'for_']);
    expectFaithfulPyTorch(graph);
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
  it('export faithfully for 300 seeded random graphs with branches, merges and every block kind', () => {
    const random = seededRandom(20261129);
    for (let i = 0; i < 300; i++) {
      const graph = randomGraph(random);
      let source = '';
      try {
        source = exportPyTorch(graph);
        expectFaithfulPyTorch(graph, source);
      } catch (error) {
        throw new Error(`random graph ${i}: ${(error as Error).message}\n${source}`);
      }
    }
  });
});
