/**
 * What each card on the canvas shows, prepared from the graph, its analysis and the budgets.
 * The convention for parameters is the header's: "p" is trainable parameters, non-trainable ones
 * (BatchNorm's moving statistics) are shown apart as "nt", and shares are of all trainable
 * parameters, so the cards' "p" add up to the header's Trainable.
 */
import type { Node } from '@xyflow/svelte';
import type { BudgetCheck, BudgetKey } from '../../../../main/analysis/budgets.ts';
import { summarizeGroup } from '../../../../main/analysis/group-summary.ts';
import type { Diagnostic, GraphAnalysis, ParamCount, ReceptiveField, Shape } from '../../../../main/analysis/types.ts';
import type { GraphDocument, GraphGroup, GraphNode } from '../../../../main/graph/types.ts';
import type { Card } from '../../editor/canvas-view.ts';
import type { Direction } from '../../editor/geometry.ts';

/** The figures of a card: its last block's output, and the sums over its blocks. */
export interface CardFigures {
  outputShape: Shape | null;
  receptiveField: ReceptiveField | null;
  params: ParamCount;
  macs: number;
  /** Share of all trainable parameters, 0 to 1. */
  share: number;
  /** Some block of the card is unresolved: the sums are lower bounds. */
  partial: boolean;
}

interface CommonData extends Record<string, unknown> {
  figures: CardFigures;
  /** Problems of the card's blocks. */
  diagnostics: Diagnostic[];
  direction: Direction;
  /** Budgets the design is over in which this card holds one of the heaviest blocks. */
  overBudget: BudgetKey[];
}

export interface BlockCardData extends CommonData {
  kind: 'block' | 'unit';
  /** The block shown (a unit's convolution). */
  block: GraphNode;
  /** A unit's BatchNorm, activation and Dropout blocks after its convolution. */
  folded: GraphNode[];
}

export interface GroupCardData extends CommonData {
  kind: 'group';
  group: GraphGroup;
  members: GraphNode[];
}

export interface FrameData extends Record<string, unknown> {
  group: GraphGroup;
}

export type BlockFlowNode = Node<BlockCardData, 'block'>;
export type GroupFlowNode = Node<GroupCardData, 'groupCard'>;
export type FrameFlowNode = Node<FrameData, 'groupFrame'>;

/** A block holding this much of all trainable parameters is drawn as the heavy one (the journey's 7×7 conv). */
export const HEAVY_SHARE = 0.4;

export function cardFigures(graph: GraphDocument, analysis: GraphAnalysis, card: Card): CardFigures {
  const total = analysis.totals.params.trainable;
  if (card.members.length === 1) {
    // One block: its own figures (summing over a group walks the whole order, too slow for every card of a large design).
    const node = analysis.nodes[card.members[0]!]!;
    return {
      outputShape: node.outputShape,
      receptiveField: node.receptiveField,
      params: node.params,
      macs: node.macs,
      share: total > 0 ? node.params.trainable / total : 0,
      partial: node.outputShape === null,
    };
  }
  const summary = summarizeGroup(graph, analysis, card.members);
  return {
    outputShape: summary.outputShape,
    receptiveField: summary.receptiveField,
    params: summary.params,
    macs: summary.macs,
    share: total > 0 ? summary.params.trainable / total : 0,
    partial: summary.unresolved.length > 0,
  };
}

/** What each card shows, by card id. */
export function cardData(graph: GraphDocument, analysis: GraphAnalysis, cards: readonly Card[], direction: Direction, checks: readonly BudgetCheck[]): Map<string, BlockCardData | GroupCardData> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const problems = new Map<string, Diagnostic[]>();
  for (const d of analysis.diagnostics) if (d.nodeId !== undefined) problems.set(d.nodeId, [...(problems.get(d.nodeId) ?? []), d]);
  const heavy = new Map<string, BudgetKey[]>();
  for (const check of checks) for (const { id } of check.heaviest) heavy.set(id, [...(heavy.get(id) ?? []), check.key]);

  const result = new Map<string, BlockCardData | GroupCardData>();
  for (const card of cards) {
    const members = card.members.map((id) => byId.get(id)!).filter(Boolean);
    const common = {
      figures: cardFigures(graph, analysis, card),
      diagnostics: card.members.flatMap((id) => problems.get(id) ?? []),
      direction,
      overBudget: [...new Set(card.members.flatMap((id) => heavy.get(id) ?? []))],
    };
    if (card.kind === 'group') {
      result.set(card.id, { ...common, kind: 'group', group: graph.groups!.find((g) => g.id === card.id)!, members });
    } else {
      result.set(card.id, { ...common, kind: card.kind, block: members[0]!, folded: members.slice(1) });
    }
  }
  return result;
}
