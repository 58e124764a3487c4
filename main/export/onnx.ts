/**
 * Exporting a graph and its weights as an ONNX model (opset 13), the form Netron opens and
 * onnxruntime, Neural Network Console, MATLAB and TensorRT read. The model is channels first:
 * its input is (N, C, H, W) and every convolution's weights are converted (onnx-layers.ts), and
 * it computes what the studio's model computes. Values and nodes are named after the blocks (the
 * input value is the Input block's id, the output the Output block's); initializers as a PyTorch
 * state dict names them (`conv1.weight`, `bn1.running_mean`), with the block id as prefix.
 * The result is plain data; main/onnx/codec.ts writes it as protobuf.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument } from '../graph/types.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, type OnnxModel } from '../onnx/model.ts';
import { checkWeights, type GraphWeights } from '../weights/types.ts';
import { channelsFirst, planExport } from './export-plan.ts';
import { OnnxGraphBuilder } from './onnx-builder.ts';
import { onnxBlock } from './onnx-layers.ts';

export interface OnnxExportOptions {
  /** Where the weights come from, for the model's description: "initial weights (seed 1)", "run …, best epoch 11". */
  weightsFrom: string;
  /** The studio's version, recorded as the producer's. */
  producerVersion?: string;
}

/** The batch axis' name in the input and output shapes. */
export const BATCH_AXIS = 'N';

/**
 * The ONNX model of a graph the analysis accepts, with `weights` (the studio's layout, by block
 * id). Throws GraphNotExportableError for an invalid graph and WeightsMismatchError when the
 * weights do not fit its blocks.
 */
export function exportOnnx(graph: GraphDocument, weights: GraphWeights, options: OnnxExportOptions, given?: GraphAnalysis): OnnxModel {
  const plan = planExport(graph, given, { target: 'ONNX' });
  checkWeights(graph, plan.analysis, weights, options.weightsFrom);
  const builder = new OnnxGraphBuilder();
  builder.reserve(graph.nodes.map((node) => node.id));
  const values = new Map<string, string>();
  let inputId = '';
  let outputId = '';
  for (const step of plan.steps) {
    const { node } = step;
    if (node.type === 'input') {
      values.set(node.id, node.id);
      inputId = node.id;
      continue;
    }
    const inputs = graph.edges.filter((e) => e.target === node.id).map((e) => values.get(e.source)!);
    const value = onnxBlock({ builder, step, inputs, weights: weights.get(node.id) ?? [], prefix: node.id });
    values.set(node.id, value);
    if (node.type === 'output') outputId = value;
  }
  const { trainable, nonTrainable } = plan.analysis.totals.params;
  return {
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: 'CNN Studio',
    producerVersion: options.producerVersion ?? '',
    docString: [graph.name, graph.description].filter(Boolean).join(': '),
    metadata: {
      weights: options.weightsFrom,
      'trainable parameters': String(trainable),
      'non-trainable parameters': String(nonTrainable),
      layout: 'input (N, C, H, W), channels first; the studio computes the same in (N, H, W, C)',
    },
    graph: {
      name: graph.name ?? 'cnn',
      nodes: builder.nodes,
      initializers: builder.initializers,
      inputs: [{ name: inputId, dataType: 'float', shape: [BATCH_AXIS, ...channelsFirst(plan.analysis.inputShape!)] }],
      outputs: [{ name: outputId, dataType: 'float', shape: [BATCH_AXIS, ...plan.analysis.outputShape!] }],
    },
  };
}
