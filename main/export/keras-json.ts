/**
 * Exporting a graph as a Keras architecture JSON: the graph is compiled with TensorFlow.js as
 * for training (compile/to-tfjs.ts) and the model's topology taken with `toJSON`. That is the
 * `model_config` of a TensorFlow.js layers model, which Keras 2's `model_from_json` and the
 * studio's own importer read. Weights are not part of it. The TensorFlow.js namespace is passed
 * in, so this module imports types only and runs wherever TensorFlow.js runs.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import { compileGraph, type TensorFlow } from '../compile/to-tfjs.ts';
import type { GraphDocument } from '../graph/types.ts';
import { planExport } from './export-plan.ts';

/** A JSON object: `{ class_name: "Model", config: {...}, keras_version, backend }`. */
export type KerasJson = { [key: string]: unknown };

/** The architecture JSON; throws GraphNotExportableError when the analysis reports an error. */
export function exportKerasJson(tf: TensorFlow, graph: GraphDocument, analysis?: GraphAnalysis): KerasJson {
  // Checked here so that an invalid graph fails with the same message as the other exports.
  const plan = planExport(graph, analysis, { target: 'Keras JSON' });
  const model = compileGraph(tf, graph, { analysis: plan.analysis });
  try {
    return model.toJSON(null, false) as KerasJson;
  } finally {
    model.dispose();
  }
}
