/**
 * Why a block that needs a feature map gets a flat vector: the block upstream that flattened it
 * (Flatten, or GlobalAvgPool without "Keep 1×1×C"), named with what to do about it. A message that
 * guessed ("remove the Flatten before it") was wrong whenever a GlobalAvgPool had done it.
 */
import type { GraphNode } from '../graph/types.ts';
import type { NodeAnalysis } from './types.ts';

/**
 * The clause to add to a "needs a feature map" message (starting with "; "), found by walking up
 * from `source` while the input is already flat: the first block whose own input was a feature
 * map made it flat. '' when there is none to name.
 */
export function flatteningCause(
  source: string | undefined,
  incoming: ReadonlyMap<string, readonly string[]>,
  nodes: Record<string, NodeAnalysis>,
  byId: ReadonlyMap<string, GraphNode>,
): string {
  const seen = new Set<string>();
  for (let id = source; id !== undefined && !seen.has(id); id = incoming.get(id)?.[0]) {
    seen.add(id);
    const node = byId.get(id);
    const input = nodes[id]?.inputShapes[0];
    if (!node || input === undefined) return '';
    if (input.length === 3) return clause(node);
  }
  return '';
}

function clause(node: GraphNode): string {
  switch (node.type) {
    case 'flatten':
      return `; ${node.id} (Flatten) before it made the map flat: move this block above the Flatten, or remove the Flatten`;
    case 'globalAvgPool':
      return `; ${node.id} (GlobalAvgPool) before it gives a flat vector: turn on its "Keep 1×1×C" setting, or move this block above it`;
    default:
      return `; move this block above ${node.id}, where the map is still height×width×channels`;
  }
}
