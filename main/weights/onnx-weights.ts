/**
 * A design's weights out of an ONNX model, two ways:
 *
 *   - by name, for a model written for this very design: the studio's own ONNX export and the
 *     `torch.onnx.export` of its PyTorch module (what the exported training script saves) name
 *     their initializers as a PyTorch state dict does, `conv1.weight`, with the block id or its
 *     Python name as prefix;
 *   - by import, for any ONNX model the importer reads (fine-tuning a model made elsewhere): the
 *     model is imported, and each block of the design takes the weights of the imported block of
 *     the same name.
 *
 * Either throws a WeightsMismatchError (a StudioError) naming what does not fit, in one line.
 */
import { analyzeGraph } from '../analysis/analyze.ts';
import { pythonNames } from '../export/python-names.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importOnnxModel } from '../import/onnx.ts';
import type { OnnxModel } from '../onnx/model.ts';
import { fromStateDict } from './torch-layout.ts';
import { checkWeights, WeightsMismatchError, type GraphWeights, type WeightTensor } from './types.ts';

/** The model's float initializers by name, with the names PyTorch's Identity nodes give to shared ones. */
export function onnxStateDict(model: OnnxModel): Map<string, WeightTensor> {
  const state = new Map<string, WeightTensor>();
  for (const tensor of model.graph.initializers) {
    if (tensor.dataType === 'float' || tensor.dataType === 'double') state.set(tensor.name, { shape: [...tensor.dims], values: Float32Array.from(tensor.values) });
  }
  // PyTorch writes one initializer for equal tensors (fresh BatchNorms) and Identity nodes for the others.
  for (const node of model.graph.nodes) {
    const source = node.opType === 'Identity' ? state.get(node.inputs[0] ?? '') : undefined;
    if (source && node.outputs[0]) state.set(node.outputs[0], source);
  }
  return state;
}

/** The design's weights from initializers named `<block id>.weight` or `<Python name>.weight` and so on. */
export function weightsByName(graph: GraphDocument, model: OnnxModel, source: string): GraphWeights {
  const python = pythonNames(graph);
  return fromStateDict(graph, analyzeGraph(graph), onnxStateDict(model), (id) => [...new Set([id, python.get(id)!])], source);
}

/** The design's weights from the imported model's blocks of the same names. */
export function weightsByImport(graph: GraphDocument, model: OnnxModel, source: string): GraphWeights {
  const imported = importOnnxModel(model);
  if (!imported.ok) throw new WeightsMismatchError(`${source} cannot be imported: ${imported.problems.join('; ')}`);
  if (!imported.weights) throw new WeightsMismatchError(`the weights of ${source} cannot be used: ${imported.weightsProblem}`);
  const analysis = analyzeGraph(graph);
  const weights: GraphWeights = new Map();
  for (const node of graph.nodes) {
    const tensors = imported.weights.get(node.id);
    if (tensors) weights.set(node.id, tensors);
  }
  checkWeights(graph, analysis, weights, source);
  return weights;
}

/** By name when the model names its weights for this design, else by import. */
export function weightsFromOnnx(graph: GraphDocument, model: OnnxModel, source: string): GraphWeights {
  try {
    return weightsByName(graph, model, source);
  } catch (byName) {
    try {
      return weightsByImport(graph, model, source);
    } catch (byImport) {
      // The import's reason is the more telling one unless the model names no weights for this design at all.
      throw byImport instanceof WeightsMismatchError ? byImport : byName;
    }
  }
}
