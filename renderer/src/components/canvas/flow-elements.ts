/**
 * Svelte Flow's nodes and edges for what the canvas draws: a node per card (block, conv unit,
 * collapsed group), a dashed frame behind each expanded group, and an edge per link along its
 * route. Plain functions of the design, its analysis and the card sizes; GraphCanvas calls them
 * whenever any of those change.
 */
import { MarkerType, type Edge, type Node } from '@xyflow/svelte';
import type { BudgetCheck } from '../../../../main/analysis/budgets.ts';
import type { GraphAnalysis } from '../../../../main/analysis/types.ts';
import type { GraphDocument } from '../../../../main/graph/types.ts';
import { cardPositions, type CanvasView } from '../../editor/canvas-view.ts';
import { bounds, boxOf, type Box, type Direction, type Position, type SizeOf } from '../../editor/geometry.ts';
import { cardData, type FrameFlowNode } from './card-data.ts';

/** Each card's box in flow coordinates, at the size `sizeOf` gives (measured, or estimated before it is drawn). */
export function cardBoxes(graph: GraphDocument, view: CanvasView, sizeOf: SizeOf): Map<string, Box> {
  const positions = cardPositions(graph, view);
  return new Map(view.cards.filter((card) => positions.has(card.id)).map((card) => [card.id, boxOf(positions.get(card.id)!, sizeOf(card))]));
}

/** A node per card; `measured` keeps the sizes Svelte Flow measured, so it does not measure again. */
export function cardNodes(
  graph: GraphDocument,
  analysis: GraphAnalysis,
  view: CanvasView,
  selectedNodes: ReadonlySet<string>,
  direction: Direction,
  checks: readonly BudgetCheck[],
  measured: ReadonlyMap<string, Node['measured']>,
): Node[] {
  const data = cardData(graph, analysis, view.cards, direction, checks);
  const positions = cardPositions(graph, view);
  return view.cards.map((card) => ({
    id: card.id,
    // Not Svelte Flow's built-in names (its `group` comes with default styles of its own).
    type: card.kind === 'group' ? 'groupCard' : 'block',
    position: positions.get(card.id) ?? { x: 0, y: 0 },
    selected: card.members.every((id) => selectedNodes.has(id)),
    measured: measured.get(card.id),
    data: data.get(card.id)!,
  }));
}

/** Space around an expanded group's blocks, and the band above them that holds its name. */
const FRAME_PAD = 14;
const FRAME_LABEL = 26;

/** A dashed frame behind the blocks of each expanded group, with its name and a collapse button. */
export function frameNodes(graph: GraphDocument, view: CanvasView, boxes: ReadonlyMap<string, Box>): FrameFlowNode[] {
  const taken = new Set(graph.nodes.map((node) => node.id));
  return (graph.groups ?? []).flatMap((group): FrameFlowNode[] => {
    if (group.collapsed) return [];
    const around = bounds(group.nodes.map((id) => boxes.get(view.cardOf.get(id) ?? id)).filter((box): box is Box => box !== undefined));
    if (!around) return [];
    // A frame's node id must not be a block's (block ids are free text).
    let id = `frame:${group.id}`;
    while (taken.has(id)) id += '#';
    return [
      {
        id,
        type: 'groupFrame',
        // Inside the gap between layers: the name sits in the band above the first block.
        position: { x: around.x - FRAME_PAD, y: around.y - FRAME_PAD - FRAME_LABEL },
        width: around.width + 2 * FRAME_PAD,
        height: around.height + 2 * FRAME_PAD + FRAME_LABEL,
        zIndex: -1,
        selectable: false,
        draggable: false,
        focusable: false,
        data: { group },
      },
    ];
  });
}

/** An edge per link, drawn along `routes`; `dropTarget` is the one a dragged block would split. */
export function connectionEdges(view: CanvasView, routes: ReadonlyMap<string, Position[]>, selectedEdges: ReadonlySet<string>, dropTarget: string | null): Edge[] {
  return view.links.map((link) => ({
    id: link.id,
    source: link.source,
    target: link.target,
    type: 'routed',
    class: link.id === dropTarget ? 'drop-target' : undefined,
    selected: link.edges.some((id) => selectedEdges.has(id)),
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: 'var(--muted)' },
    ariaLabel: `connection from ${link.source} to ${link.target}`,
    domAttributes: { 'data-source': link.source, 'data-target': link.target },
    data: { points: routes.get(link.id) },
  }));
}
