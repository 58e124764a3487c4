/**
 * What the ONNX import says about models it cannot take whole: each problem in one line that
 * names the node, every unsupported operator listed once by name with its nodes, and weights that
 * would not reproduce the model refused for fine-tuning while the graph still imports. The models
 * are written here with the studio's own codec, node by node.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { importOnnxModel } from '../../main/import/onnx.ts';
import { decodeOnnx, encodeOnnx, OnnxFormatError } from '../../main/onnx/codec.ts';
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor } from '../../main/onnx/model.ts';

const node = (opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttribute> = {}): OnnxNode => ({
  name,
  opType,
  domain: '',
  inputs,
  outputs,
  attributes,
});
const weight = (name: string, dims: number[], fill = 0.1): OnnxTensor => ({
  name,
  dataType: 'float',
  dims,
  values: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill * ((i % 7) - 3)),
});
const ints = (value: number[]): OnnxAttribute => ({ type: 'ints', value });
const int = (value: number): OnnxAttribute => ({ type: 'int', value });

/** A model around `nodes` from input `x` (N, 3, 8, 8) to output `y`, through the codec and back. */
function model(nodes: OnnxNode[], initializers: OnnxTensor[], input: (number | string)[] = ['N', 3, 8, 8]): OnnxModel {
  const built: OnnxModel = {
    irVersion: 7,
    opset: 13,
    producerName: 'test',
    producerVersion: '',
    docString: '',
    metadata: {},
    graph: { name: 'test', nodes, initializers, inputs: [{ name: 'x', dataType: 'float', shape: input }], outputs: [{ name: 'y', dataType: 'float', shape: ['N', 4] }] },
  };
  return decodeOnnx(encodeOnnx(built));
}

const head = (from: string): OnnxNode[] => [
  node('GlobalAveragePool', 'gap', [from], ['g']),
  node('Flatten', 'flat', ['g'], ['f']),
  node('Gemm', 'fc', ['f', 'fc.weight'], ['y'], { transB: int(1) }),
];

describe('ONNX import problems', () => {
  it('lists every unsupported operator once, with the names of its nodes, in one line', () => {
    const result = importOnnxModel(
      model(
        [
          node('Resize', '/up/Resize', ['x'], ['a']),
          node('Resize', '/up2/Resize', ['a'], ['b']),
          node('LSTM', 'lstm_1', ['b'], ['c']),
          node('Conv', 'conv', ['c', 'conv.weight'], ['d']),
          ...head('d'),
        ],
        [weight('conv.weight', [4, 3, 3, 3]), weight('fc.weight', [4, 4])],
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Nodes after an unsupported one are not reported again.
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^unsupported operators: Resize \(nodes "\/up\/Resize", "\/up2\/Resize"\), LSTM \(node "lstm_1"\) \(CNN Studio imports Conv, /);
    expect(result.problems[0]).not.toContain('\n');
  });

  it('names a grouped convolution that is neither ordinary nor depthwise', () => {
    const result = importOnnxModel(
      model([node('Conv', '/grouped/Conv', ['x', 'w'], ['c'], { group: int(3) }), ...head('c')], [weight('w', [6, 1, 3, 3]), weight('fc.weight', [4, 6])]),
    );
    // 3 groups on 3 channels with 6 outputs is depthwise with multiplier 2, and imports.
    expect(result.ok).toBe(true);
    const bad = importOnnxModel(
      model([node('Conv', '/grouped/Conv', ['x', 'w'], ['c'], { group: int(3) })], [weight('w', [6, 2, 3, 3])], ['N', 6, 8, 8]),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toBe('"/grouped/Conv" (Conv) is a convolution in 3 groups; the studio has ordinary convolutions (1 group) and depthwise ones (a group per input channel)');
  });

  it('refuses pooling windows that neither valid nor same padding gives, and accepts ceil_mode as same', () => {
    const pool = (attributes: Record<string, OnnxAttribute>) =>
      importOnnxModel(model([node('MaxPool', 'pool', ['x'], ['p'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]), ...attributes }), ...head('p')], [weight('fc.weight', [4, 3])], ['N', 3, 7, 7]));
    const ceil = pool({ ceil_mode: int(1) });
    expect(ceil.ok && ceil.graph.nodes.find((n) => n.id === 'pool')?.params).toMatchObject({ padding: 'same' });
    const floor = pool({});
    expect(floor.ok && floor.graph.nodes.find((n) => n.id === 'pool')?.params).toMatchObject({ padding: 'valid' });
    const odd = pool({ pads: ints([1, 1, 1, 1]) });
    expect(odd.ok).toBe(false);
    if (!odd.ok) expect(odd.problems[0]).toContain('"pool" (MaxPool) pools 2×2 windows with pads 1, 1, 1, 1 that neither "valid" nor TensorFlow\'s "same" padding gives');
  });

  it('refuses a model whose input is not an image batch', () => {
    const result = importOnnxModel(model([node('Gemm', 'fc', ['x', 'fc.weight'], ['y'], { transB: int(1) })], [weight('fc.weight', [4, 784])], ['N', 784]));
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('the model\'s input "x" is (N, 784); CNN Studio reads models whose input is an image batch (N, channels, height, width)')] });
  });

  it('imports a flatten in channels-first order with the dense weights reordered, and refuses the weights where it reaches the output', () => {
    const flat = [node('Conv', 'conv', ['x', 'conv.weight'], ['c']), node('Flatten', 'flat', ['c'], ['f'])];
    const dense = importOnnxModel(model([...flat, node('Gemm', 'fc', ['f', 'fc.weight'], ['y'], { transB: int(1) })], [weight('conv.weight', [2, 3, 3, 3]), weight('fc.weight', [4, 72])]));
    expect(dense.ok && dense.weightsProblem).toBeNull();
    const direct = importOnnxModel(model([...flat.slice(0, 1), node('Flatten', 'flat', ['c'], ['y'])], [weight('conv.weight', [2, 3, 3, 3])]));
    expect(direct.ok).toBe(true);
    if (!direct.ok) return;
    expect(analyzeGraph(direct.graph).valid).toBe(true);
    expect(direct.weights).toBeNull();
    expect(direct.weightsProblem).toBe('the features flattened by "flat" reach the output in channels-first order, where the studio flattens channels last, so its outputs would differ from the model\'s with these weights');
  });

  it('says in one line that a file is not an ONNX model', () => {
    expect(() => decodeOnnx(new TextEncoder().encode('{"format": "cnn-studio/graph"}'))).toThrow(OnnxFormatError);
    expect(() => decodeOnnx(new TextEncoder().encode('{"format": "cnn-studio/graph"}'))).toThrow(/^it is not an ONNX model \(its protobuf does not decode: .*\)$/);
  });
});
