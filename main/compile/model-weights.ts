/**
 * Weights between a compiled TensorFlow.js model and plain data (weights/types.ts): read out for
 * the exporters, or set from an imported model before training starts (fine-tuning). Layers are
 * found by the names compileGraph gives them (layer-names.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument } from '../graph/types.ts';
import { checkWeights, WEIGHTED_TYPES, type GraphWeights } from '../weights/types.ts';
import { layerNames } from './layer-names.ts';
import type { TensorFlow } from './to-tfjs.ts';

/** Every weighted block's tensors, copied out of the model. */
export function readModelWeights(model: tfjs.LayersModel, graph: GraphDocument): GraphWeights {
  const names = layerNames(graph);
  const weights: GraphWeights = new Map();
  for (const node of graph.nodes) {
    if (!WEIGHTED_TYPES.has(node.type)) continue;
    const layer = model.getLayer(names.get(node.id)!);
    weights.set(
      node.id,
      layer.getWeights().map((tensor) => ({ shape: [...tensor.shape], values: Float32Array.from(tensor.dataSync()) })),
    );
  }
  return weights;
}

/**
 * Sets every weighted block's tensors; throws a WeightsMismatchError naming each block whose
 * weights are missing or of another shape, before changing any.
 */
export function applyModelWeights(
  tf: TensorFlow,
  model: tfjs.LayersModel,
  graph: GraphDocument,
  analysis: GraphAnalysis,
  weights: GraphWeights,
  source: string,
): void {
  checkWeights(graph, analysis, weights, source);
  const names = layerNames(graph);
  for (const node of graph.nodes) {
    const tensors = weights.get(node.id);
    if (!tensors || !WEIGHTED_TYPES.has(node.type)) continue;
    const values = tensors.map((t) => tf.tensor(t.values, t.shape));
    try {
      model.getLayer(names.get(node.id)!).setWeights(values);
    } finally {
      for (const value of values) value.dispose();
    }
  }
}
