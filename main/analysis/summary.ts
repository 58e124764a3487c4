/**
 * A model summary in the spirit of Keras' `model.summary()` and torchsummary: one row per block in
 * evaluation order, plus totals. The CLI prints it as a table or as JSON; it is plain data.
 */
import type { WeightInit } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { blockTitle, describeSettings } from './describe.ts';
import type { Coverage, Diagnostic, GraphAnalysis, Pair, Shape } from './types.ts';

export interface LayerSummary {
  id: string;
  /** The block's label, or its id. */
  name: string;
  type: string;
  /** Block title, e.g. "Conv2d". */
  title: string;
  settings: string;
  outputShape: Shape | null;
  params: { trainable: number; nonTrainable: number; total: number };
  /** This block's share of all trainable parameters, 0 to 1. */
  paramShare: number;
  macs: number;
  /** Receptive-field size at this block's output, [height, width]. */
  receptiveField: Pair | null;
  receptiveFieldJump: Pair | null;
  receptiveFieldStart: Pair | null;
  diagnostics: Diagnostic[];
}

export interface ModelSummary {
  name: string | null;
  valid: boolean;
  inputShape: Shape | null;
  outputShape: Shape | null;
  layers: LayerSummary[];
  params: { trainable: number; nonTrainable: number; total: number };
  macs: number;
  /** Receptive-field size at the output, [height, width]. */
  receptiveField: Pair | null;
  /** Which input pixels reach the output, exactly (analysis/coverage.ts); null when unknown. */
  coverage: Coverage | null;
  activationBytes: number;
  /** True when some blocks' counts are unknown, so that every total is a lower bound. */
  partial: boolean;
  /** Those blocks, by id. */
  unresolved: string[];
  diagnostics: Diagnostic[];
  /**
   * How training starts the kernels (the training section's `init`; `glorot`, Keras' default,
   * when the design says nothing). Biases start at zero either way.
   */
  initialisation: WeightInit;
}

/** An initialisation in words, with what it is in PyTorch and whether it is the default. */
export function describeInitialisation(init: WeightInit): string {
  switch (init) {
    case 'glorot':
      return "Glorot uniform, the default (Keras' own; PyTorch's xavier_uniform_); biases zero";
    case 'kaimingNormal':
      return "Kaiming normal (PyTorch's kaiming_normal_, fan-in, ReLU gain); biases zero";
    case 'kaimingUniform':
      return "Kaiming uniform (PyTorch's kaiming_uniform_, fan-in, ReLU gain); biases zero";
  }
}

export function summarize(graph: GraphDocument, analysis: GraphAnalysis): ModelSummary {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const trainable = analysis.totals.params.trainable;
  const layers = analysis.order.map((id): LayerSummary => {
    const node = byId.get(id)!;
    const result = analysis.nodes[id]!;
    const field = result.receptiveField;
    return {
      id,
      name: id,
      type: node.type,
      title: blockTitle(node),
      settings: describeSettings(node),
      outputShape: result.outputShape,
      params: { ...result.params, total: result.params.trainable + result.params.nonTrainable },
      paramShare: trainable > 0 ? result.params.trainable / trainable : 0,
      macs: result.macs,
      receptiveField: field?.size ?? null,
      receptiveFieldJump: field?.jump ?? null,
      receptiveFieldStart: field?.start ?? null,
      diagnostics: analysis.diagnostics.filter((d) => d.nodeId === id),
    };
  });
  return {
    name: graph.name ?? null,
    valid: analysis.valid,
    inputShape: analysis.inputShape,
    outputShape: analysis.outputShape,
    layers,
    params: analysis.totals.params,
    macs: analysis.totals.macs,
    receptiveField: analysis.receptiveField?.size ?? null,
    coverage: analysis.coverage,
    activationBytes: analysis.totals.activationBytes,
    partial: analysis.totals.unresolved.length > 0,
    unresolved: analysis.totals.unresolved,
    diagnostics: analysis.diagnostics,
    initialisation: graph.training?.init ?? 'glorot',
  };
}
