/**
 * A graph's compiled TensorFlow.js model beside its PyTorch export: random weights in the tfjs
 * model (biases and BatchNorm statistics too, so that every convention shows), the same weights
 * as the export's state_dict, a random batch, and what tfjs computes for it on the cpu backend.
 * Real PyTorch (tests/support/real-pytorch.ts) must then compute the same.
 *
 * The weight conventions, TensorFlow → PyTorch:
 *   - Conv2D kernel (kh, kw, in, out) → Conv2d weight (out, in, kh, kw);
 *   - DepthwiseConv2D kernel (kh, kw, in, multiplier) → grouped Conv2d weight (in·multiplier, 1, kh, kw),
 *     output channel c·multiplier + m in both;
 *   - Dense kernel (in, out) → Linear weight (out, in);
 *   - BatchNormalization gamma, beta, moving mean, moving variance → weight, bias, running_mean,
 *     running_var (epsilon and momentum are the exporter's to convert).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphAnalysis } from '../../main/analysis/types.ts';
import { layerNames } from '../../main/compile/layer-names.ts';
import { compileGraph, type TensorFlow } from '../../main/compile/to-tfjs.ts';
import { seededRandom, uniform, type Random } from '../../main/data/random.ts';
import { channelsFirst } from '../../main/export/export-plan.ts';
import { exportPyTorch, pythonNames } from '../../main/export/index.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import type { FloatTensor, TorchCase } from '../support/real-pytorch.ts';

/** Batch size of the compared input. */
const BATCH = 4;

export interface PortedGraph {
  graph: GraphDocument;
  analysis: GraphAnalysis;
  torchCase: TorchCase;
  /** What tfjs computes for the batch in inference mode: (N, classes); probabilities after a softmax output. */
  expected: FloatTensor;
  softmax: boolean;
  /** With a training-mode pass (BatchNorm and no Dropout): its output and each BatchNorm's statistics before and after. */
  training?: {
    output: FloatTensor;
    batchNorms: { name: string; count: number; before: BatchNormStats; after: BatchNormStats }[];
  };
}

export interface BatchNormStats {
  mean: Float32Array;
  variance: Float32Array;
  momentum: number;
}

const float = (tensor: tfjs.Tensor): FloatTensor => ({ shape: [...tensor.shape], data: Float32Array.from(tensor.dataSync()) });

function randomTensor(tf: TensorFlow, random: Random, shape: number[], low: number, high: number): tfjs.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => uniform(random, low, high)), shape);
}

/**
 * Compiles the graph, gives every weight a seeded random value (kernels scaled by their fan-in so
 * that activations stay near 1 however deep the graph), exports it, and computes tfjs' answer.
 */
export function portGraph(tf: TensorFlow, label: string, graph: GraphDocument, seed: number): PortedGraph {
  const analysis = analyzeGraph(graph);
  const source = exportPyTorch(graph, analysis);
  const className = /^class (\w+)\(nn\.Module\):$/m.exec(source)![1]!;
  const model = compileGraph(tf, graph, { analysis, seed });
  const random = seededRandom(seed);
  const layers = layerNames(graph);
  const python = pythonNames(graph);
  const stateDict = new Map<string, FloatTensor>();
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));

  let ported: PortedGraph | undefined;
  try {
    // Returns nothing from tidy: it would walk every value of the weight arrays looking for tensors.
    tf.tidy(() => {
      for (const id of analysis.order) {
        const node = byId.get(id)!;
        if (!['conv2d', 'depthwiseConv2d', 'dense', 'batchNorm'].includes(node.type)) continue;
        const layer = model.getLayer(layers.get(id)!);
        const shapes = layer.getWeights().map((w) => [...w.shape]);
        const name = python.get(id)!;
        if (node.type === 'batchNorm') {
          const [gamma, beta, mean, variance] = [
            randomTensor(tf, random, shapes[0]!, 0.5, 1.5),
            randomTensor(tf, random, shapes[1]!, -0.5, 0.5),
            randomTensor(tf, random, shapes[2]!, -0.5, 0.5),
            randomTensor(tf, random, shapes[3]!, 0.5, 1.5),
          ] as [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor, tfjs.Tensor];
          layer.setWeights([gamma, beta, mean, variance]);
          stateDict.set(`${name}.weight`, float(gamma));
          stateDict.set(`${name}.bias`, float(beta));
          stateDict.set(`${name}.running_mean`, float(mean));
          stateDict.set(`${name}.running_var`, float(variance));
          continue;
        }
        const kernelShape = shapes[0]!;
        const fanIn = node.type === 'dense' ? kernelShape[0]! : node.type === 'depthwiseConv2d' ? kernelShape[0]! * kernelShape[1]! : kernelShape[0]! * kernelShape[1]! * kernelShape[2]!;
        const bound = Math.sqrt(3 / fanIn);
        const kernel = randomTensor(tf, random, kernelShape, -bound, bound);
        const weights = [kernel, ...shapes.slice(1).map((shape) => randomTensor(tf, random, shape, -0.5, 0.5))];
        layer.setWeights(weights);
        stateDict.set(`${name}.weight`, float(torchKernel(tf, node.type, kernel)));
        if (weights[1]) stateDict.set(`${name}.bias`, float(weights[1]));
      }

      const input = analysis.inputShape!;
      const batch = randomTensor(tf, random, [BATCH, ...input], 0, 1);
      const predicted = model.predict(batch) as tfjs.Tensor;
      const output = graph.nodes.find((node) => node.type === 'output')!;
      const softmax = output.type === 'output' && output.params.activation === 'softmax';
      const torchCase: TorchCase = {
        label,
        source,
        className,
        stateDict,
        input: float(tf.transpose(batch, [0, 3, 1, 2])),
        trainStep: false,
      };
      ported = { graph, analysis, torchCase, expected: float(predicted), softmax };

      // One training-mode pass updates the BatchNorm statistics; Dropout would make it random.
      const norms = graph.nodes.filter((node) => node.type === 'batchNorm');
      if (norms.length > 0 && !graph.nodes.some((node) => node.type === 'dropout')) {
        const stats = (id: string): BatchNormStats => {
          const [, , mean, variance] = model.getLayer(layers.get(id)!).getWeights();
          const node = byId.get(id)!;
          return { mean: Float32Array.from(mean!.dataSync()), variance: Float32Array.from(variance!.dataSync()), momentum: node.type === 'batchNorm' ? node.params.momentum : NaN };
        };
        const before = norms.map((node) => stats(node.id));
        const trained = model.apply(batch, { training: true }) as tfjs.Tensor;
        ported.training = {
          output: float(trained),
          batchNorms: norms.map((node, i) => {
            // Values averaged per channel: the batch times the map's pixels.
            const shape = channelsFirst(analysis.nodes[node.id]!.inputShapes[0]!);
            return { name: python.get(node.id)!, count: BATCH * shape.slice(1).reduce((a, b) => a * b, 1), before: before[i]!, after: stats(node.id) };
          }),
        };
        torchCase.trainStep = true;
      }
    });
  } finally {
    model.dispose();
  }
  return ported!;
}

function torchKernel(tf: TensorFlow, type: string, kernel: tfjs.Tensor): tfjs.Tensor {
  switch (type) {
    case 'conv2d':
      return tf.transpose(kernel, [3, 2, 0, 1]);
    case 'depthwiseConv2d': {
      const [kh, kw, channels, multiplier] = kernel.shape as [number, number, number, number];
      return tf.transpose(kernel.reshape([kh, kw, channels * multiplier]), [2, 0, 1]).reshape([channels * multiplier, 1, kh, kw]);
    }
    case 'dense':
      return tf.transpose(kernel);
    default:
      throw new Error(`no kernel for ${type}`);
  }
}
