/** The tooltip of a block kind: what it does, and its output-shape and parameter formulas (from the analysis' BlockDoc). */
import { BLOCKS } from '../../../main/analysis/blocks/index.ts';
import type { BlockType } from '../../../main/graph/types.ts';
import type { TooltipContent } from './tooltip.ts';

export function blockTooltip(type: BlockType): TooltipContent {
  const { title, doc } = BLOCKS[type];
  return { title, lines: [doc.summary, `Output: ${doc.shape}`, `Parameters: ${doc.params}`] };
}
