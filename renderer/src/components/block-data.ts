/** What each block on the canvas shows, prepared from the graph and its analysis. */
import type { Node } from '@xyflow/svelte';
import type { Diagnostic, NodeAnalysis } from '../../../main/analysis/types.ts';
import type { GraphNode } from '../../../main/graph/types.ts';

export interface BlockData extends Record<string, unknown> {
  block: GraphNode;
  result: NodeAnalysis;
  /** Share of all trainable parameters, 0 to 1. */
  share: number;
  diagnostics: Diagnostic[];
}

export type BlockFlowNode = Node<BlockData, 'block'>;

/** A block holding this much of all parameters is drawn as the heavy one (the journey's 7×7 conv). */
export const HEAVY_SHARE = 0.4;
