/**
 * Design advice: short, dismissible notes about a graph or a finished run, each backed by one of
 * the lessons of the MNIST journey the studio grew from (../shared/journey.md, "things worth
 * knowing"). A note names the block it is about when there is one, and its message says what to
 * change, with the numbers that led to it.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { EpochEvent } from '../train/events.ts';
import type { AdviceOptions } from './options.ts';

export type { AdviceOptions } from './options.ts';

export type RuleId =
  | 'heavy-layer'
  | 'activation-on-output'
  | 'first-pool-receptive-field'
  | 'output-does-not-cover-input'
  | 'over-fitting'
  | 'under-fitting'
  | 'schedule-never-changed';

/** `warning`: very likely costs accuracy or parameters; `info`: a heuristic worth a look. */
export type AdviceSeverity = 'info' | 'warning';

export interface Advice {
  rule: RuleId;
  severity: AdviceSeverity;
  /** The block the note is about; absent for notes about a whole run. */
  nodeId?: string;
  /** A few words, for a list or a badge. */
  title: string;
  /** One or two sentences a user can act on, with the numbers. */
  message: string;
}

/** Checks a design; returns no notes when there is nothing to say or nothing it can judge. */
export type GraphRule = (graph: GraphDocument, analysis: GraphAnalysis, options: AdviceOptions) => Advice[];

/** What a run rule judges: a run as its folder keeps it. */
export interface RunContext {
  /** In order, counted from 1. */
  epochs: readonly EpochEvent[];
  /** The settings it ran with. */
  settings: TrainingSettings;
  /** The graph it trained: a rule suggests nothing the graph already has (dropout after every block). */
  graph: GraphDocument;
}

/**
 * Checks a run. A rule first checks its premise against the run's own numbers (over-fitting needs
 * train above test) and its advice against the graph, and says nothing when either fails.
 */
export type RunRule = (run: RunContext, options: AdviceOptions) => Advice[];

/**
 * What a dismissal can remember: the same rule on the same block is the same note, even when its
 * numbers change as the design is edited.
 */
export function adviceKey(advice: Pick<Advice, 'rule' | 'nodeId'>): string {
  return advice.nodeId === undefined ? advice.rule : `${advice.rule}:${advice.nodeId}`;
}
