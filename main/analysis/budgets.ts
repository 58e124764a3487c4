/**
 * The four figures a design is budgeted by (parameters, MACs per image, peak activation memory
 * per image, weight size), checked against the budgets saved with the design. Pure functions of
 * the graph and its analysis; the editor shows them as gauges and warnings.
 */
import type { Budgets, GraphDocument } from '../graph/types.ts';
import { formatBytes, formatCount } from './format.ts';
import type { Diagnostic, GraphAnalysis } from './types.ts';

/** float32: what training and the exports store. */
export const FLOAT32_BYTES = 4;
/** int8: the size after post-training quantisation, the second figure for weights. */
export const INT8_BYTES = 1;

export type BudgetKey = keyof Budgets;
export const BUDGET_KEYS: readonly BudgetKey[] = ['params', 'macs', 'activationBytes', 'weightBytes'];

export interface DesignMeasures {
  /** Trainable parameters. */
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** Peak activation memory per image, bytes as float32 (see peakActivations). */
  activationBytes: number;
  /** Every weight, trainable and non-trainable, as float32. */
  weightBytes: number;
  /** The same weights at one byte each (int8). */
  weightBytesInt8: number;
  /**
   * Blocks the analysis could not resolve (a setting or shape error at or above them): their
   * share is missing, so every figure is a lower bound while this is not empty.
   */
  unresolved: string[];
}

export interface PeakActivations {
  /** Values held at the peak, summed over the live outputs. */
  values: number;
  /** The block being computed at the peak. */
  at: string | null;
  /** The outputs held at the peak, by block, largest first. */
  live: { id: string; values: number }[];
}

/**
 * The most activation values held at once in one forward pass of one image, run in the
 * analysis' evaluation order: each block's output is kept from when it is computed until the last
 * block that reads it has run, and a block's inputs and output are held together while it runs.
 * Every block's output counts as its own buffer (the image included); frameworks that compute in
 * place or reuse buffers need less.
 */
export function peakActivations(graph: GraphDocument, analysis: GraphAnalysis): PeakActivations {
  const order = analysis.order.filter((id) => analysis.nodes[id]?.outputShape);
  const position = new Map(order.map((id, index) => [id, index]));
  const lastUse = new Map<string, number>();
  for (const edge of graph.edges) {
    const reader = position.get(edge.target);
    if (reader === undefined || !position.has(edge.source)) continue;
    lastUse.set(edge.source, Math.max(lastUse.get(edge.source) ?? 0, reader));
  }
  const live = new Map<string, number>();
  let peak: PeakActivations = { values: 0, at: null, live: [] };
  order.forEach((id, step) => {
    live.set(id, analysis.nodes[id]!.activations);
    const held = [...live.values()].reduce((sum, values) => sum + values, 0);
    if (held > peak.values) {
      peak = { values: held, at: id, live: [...live].map(([block, values]) => ({ id: block, values })).sort((a, b) => b.values - a.values) };
    }
    // Outputs nobody reads any more are freed once this block has run.
    for (const [block] of live) if ((lastUse.get(block) ?? step) <= step) live.delete(block);
  });
  return peak;
}

/** The budgeted figures of a design. */
export function measureDesign(graph: GraphDocument, analysis: GraphAnalysis): DesignMeasures {
  const weights = analysis.totals.params.trainable + analysis.totals.params.nonTrainable;
  return {
    params: analysis.totals.params.trainable,
    macs: analysis.totals.macs,
    activationBytes: peakActivations(graph, analysis).values * FLOAT32_BYTES,
    weightBytes: weights * FLOAT32_BYTES,
    weightBytesInt8: weights * INT8_BYTES,
    unresolved: analysis.totals.unresolved,
  };
}

export interface BudgetCheck {
  key: BudgetKey;
  limit: number;
  value: number;
  over: boolean;
  /** The blocks that weigh most in this figure, heaviest first (at most three). */
  heaviest: { id: string; value: number }[];
}

/** What each budget is called in messages, and the verb that goes with it. */
export const BUDGET_NAMES: Record<BudgetKey, { name: string; verb: 'is' | 'are' }> = {
  params: { name: 'trainable parameters', verb: 'are' },
  macs: { name: 'MACs per image', verb: 'are' },
  activationBytes: { name: 'peak activation memory per image', verb: 'is' },
  weightBytes: { name: 'weight size (float32)', verb: 'is' },
};

/** How a figure of each budget reads. */
export function formatBudgetValue(key: BudgetKey, value: number): string {
  return key === 'activationBytes' || key === 'weightBytes' ? formatBytes(value) : formatCount(value);
}

const HEAVIEST = 3;

/** Each budget set on the design, with the figure it limits and the blocks that weigh most in it. */
export function checkBudgets(graph: GraphDocument, analysis: GraphAnalysis, measures: DesignMeasures = measureDesign(graph, analysis)): BudgetCheck[] {
  const budgets = graph.budgets ?? {};
  const perBlock = (value: (id: string) => number) =>
    graph.nodes
      .map((node) => ({ id: node.id, value: value(node.id) }))
      .filter((entry) => entry.value > 0)
      .sort((a, b) => b.value - a.value)
      .slice(0, HEAVIEST);
  const node = (id: string) => analysis.nodes[id]!;
  const heaviest: Record<BudgetKey, () => { id: string; value: number }[]> = {
    params: () => perBlock((id) => node(id).params.trainable),
    macs: () => perBlock((id) => node(id).macs),
    weightBytes: () => perBlock((id) => (node(id).params.trainable + node(id).params.nonTrainable) * FLOAT32_BYTES),
    activationBytes: () =>
      peakActivations(graph, analysis)
        .live.slice(0, HEAVIEST)
        .map((entry) => ({ id: entry.id, value: entry.values * FLOAT32_BYTES })),
  };
  return BUDGET_KEYS.flatMap((key) => {
    const limit = budgets[key];
    if (limit === undefined) return [];
    const value = measures[key];
    const over = value > limit;
    return [{ key, limit, value, over, heaviest: over ? heaviest[key]() : [] }];
  });
}

/**
 * A warning per budget the design is over, naming the heaviest blocks, e.g. "trainable
 * parameters are 19,706, over the budget of 10,000 by 9,706; heaviest: res2_conv2 (9,216), …".
 * While blocks are unresolved the figure is a lower bound, and the message says so.
 */
export function budgetDiagnostics(checks: readonly BudgetCheck[], measures: Pick<DesignMeasures, 'unresolved'>): Diagnostic[] {
  const partial = measures.unresolved.length > 0 ? ' at least' : '';
  return checks
    .filter((check) => check.over)
    .map((check) => {
      const value = (n: number) => formatBudgetValue(check.key, n);
      const blocks = check.heaviest.map((entry) => `${entry.id} (${value(entry.value)})`).join(', ');
      return {
        severity: 'warning' as const,
        code: 'over-budget',
        message: `${BUDGET_NAMES[check.key].name} ${BUDGET_NAMES[check.key].verb}${partial} ${value(check.value)}, over the budget of ${value(check.limit)} by ${value(check.value - check.limit)}${blocks ? `; heaviest: ${blocks}` : ''}`,
      };
    });
}
