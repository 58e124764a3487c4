/**
 * Design advice for a graph and for a finished run: every rule, run in a fixed order. A rule that
 * cannot judge (a half-built graph, a run with no epochs) says nothing, and a rule that fails is
 * skipped, so asking for advice never throws.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument } from '../graph/types.ts';
import { resolveAdviceOptions, type AdviceOptions } from './options.ts';
import { activationOnOutput } from './rules/activation-on-output.ts';
import { firstPoolReceptiveField } from './rules/first-pool-receptive-field.ts';
import { heavyLayer } from './rules/heavy-layer.ts';
import { outputDoesNotCoverInput } from './rules/output-does-not-cover-input.ts';
import { overFitting } from './rules/over-fitting.ts';
import { scheduleNeverChanged } from './rules/schedule-never-changed.ts';
import { underFitting } from './rules/under-fitting.ts';
import type { Advice, GraphRule, RunContext, RunRule } from './types.ts';

export type { Advice, GraphRule, RunContext, RunRule } from './types.ts';
export { adviceKey } from './types.ts';
export { DEFAULT_ADVICE_OPTIONS, resolveAdviceOptions, type AdviceOptions } from './options.ts';

export const GRAPH_RULES: readonly GraphRule[] = [heavyLayer, activationOnOutput, firstPoolReceptiveField, outputDoesNotCoverInput];
export const RUN_RULES: readonly RunRule[] = [overFitting, underFitting, scheduleNeverChanged];

export function adviseGraph(graph: GraphDocument, analysis: GraphAnalysis, options?: Partial<AdviceOptions>): Advice[] {
  const resolved = resolveAdviceOptions(options);
  return GRAPH_RULES.flatMap((rule) => attempt(() => rule(graph, analysis, resolved)));
}

export function adviseRun(run: RunContext, options?: Partial<AdviceOptions>): Advice[] {
  const resolved = resolveAdviceOptions(options);
  return RUN_RULES.flatMap((rule) => attempt(() => rule(run, resolved)));
}

/** A broken rule must not take the editor or a run's summary down with it. */
function attempt(rule: () => Advice[]): Advice[] {
  try {
    return rule();
  } catch {
    return [];
  }
}
