/**
 * Importing an ONNX model (decoded by main/onnx/codec.ts) as a CNN Studio graph with its weights.
 * A model built from the studio's operators maps block by block (onnx-nodes.ts): Conv (grouped
 * as depthwise too), BatchNormalization, the activations, MaxPool, AveragePool,
 * GlobalAveragePool, Flatten, Gemm or MatMul + Add, Add, Sum, Concat, Dropout, and Softmax or
 * LogSoftmax at the output; a zero Pad folds into the convolution after it, the Transpose and
 * Reshape PyTorch writes around a flatten become the Flatten they are, and operator groups that
 * are one activation (SiLU, Mish, GELU) one block (onnx-patterns.ts).
 *
 * Blocks are named after the PyTorch module they came from where the file says (an initializer
 * `conv1.weight`, a node `/layer1/relu/Relu`), else after the node. The weights come back in the
 * studio's layout, ready to start training from (fine-tuning). Never throws: every operator it
 * cannot map is listed, by operator and node name, in one line.
 */
import { parseGraphDocument } from '../graph/load.ts';
import { GRAPH_FORMAT, GRAPH_VERSION } from '../graph/schema.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { OnnxModel } from '../onnx/model.ts';
import type { GraphWeights } from '../weights/types.ts';
import { Constants } from './onnx-constants.ts';
import { layOut } from './lay-out.ts';
import { OnnxGraphMapper, SUPPORTED_OPERATORS } from './onnx-nodes.ts';
import { fusePatterns } from './onnx-patterns.ts';

export type OnnxImportResult =
  | {
      ok: true;
      graph: GraphDocument;
      /** The model's weights by block id, in the studio's layout; null when `weightsProblem` says why they cannot be kept. */
      weights: GraphWeights | null;
      weightsProblem: string | null;
      notes: string[];
    }
  | { ok: false; problems: string[] };

/** Graph names exporters write when the user gave none; the file's name is better. */
const GENERIC_NAMES = new Set(['', 'torch_jit', 'torch-jit-export', 'main_graph', 'graph', 'model', 'tf2onnx']);

export function importOnnxModel(model: OnnxModel, options: { fallbackName?: string } = {}): OnnxImportResult {
  try {
    return convert(model, options.fallbackName);
  } catch (error) {
    return { ok: false, problems: [`could not import the model: ${(error as Error)?.message ?? String(error)}`] };
  }
}

function convert(model: OnnxModel, fallbackName: string | undefined): OnnxImportResult {
  const graph = model.graph;
  const constants = new Constants(graph.initializers);
  // Constants first (the patterns compare against them); shapes are evaluated during the walk.
  for (const node of graph.nodes) constants.evaluate(node, () => undefined);
  const nodes = fusePatterns(graph.nodes, constants, graph.outputs.map((o) => o.name));

  const inputs = graph.inputs.filter((input) => !constants.has(input.name));
  if (inputs.length !== 1) {
    return { ok: false, problems: [`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ') || 'none'}); CNN Studio designs take one image`] };
  }
  if (graph.outputs.length !== 1) {
    return { ok: false, problems: [`the model has ${graph.outputs.length} outputs (${graph.outputs.map((o) => o.name).join(', ') || 'none'}); CNN Studio designs give one`] };
  }
  const uses = new Map<string, number>();
  for (const name of [...nodes.flatMap((node) => node.inputs), graph.outputs[0]!.name]) uses.set(name, (uses.get(name) ?? 0) + 1);
  const mapper = new OnnxGraphMapper(constants, model.opset, graph.outputs[0]!.name, uses);
  const started = mapper.addInput(inputs[0]!);
  if (started !== null) return { ok: false, problems: [started] };
  for (const node of nodes) mapper.map(node);
  mapper.finish();

  const problems: string[] = [];
  if (mapper.unsupported.length > 0) {
    problems.push(`unsupported operators: ${mapper.unsupported.join(', ')} (CNN Studio imports ${SUPPORTED_OPERATORS.join(', ')})`);
  }
  problems.push(...mapper.problems);
  if (problems.length > 0) return { ok: false, problems };

  layOut(mapper.nodes, mapper.edges);
  const name = GENERIC_NAMES.has(graph.name) ? fallbackName : graph.name;
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'an unknown producer';
  const document = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    ...(name ? { name } : {}),
    description: `Imported from ONNX (opset ${model.opset}, made by ${producer}).`,
    nodes: mapper.nodes,
    edges: mapper.edges,
  };
  const loaded = parseGraphDocument(document);
  if (!loaded.ok) {
    return { ok: false, problems: loaded.problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)) };
  }
  return { ok: true, graph: loaded.graph, weights: mapper.weightsProblem ? null : mapper.weights, weightsProblem: mapper.weightsProblem, notes: mapper.notes };
}
