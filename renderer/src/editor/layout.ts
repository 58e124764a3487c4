/**
 * The layered layout (Sugiyama style) from the Eclipse Layout Kernel, elkjs, as the Svelte Flow
 * docs suggest: data flows one way, the Input is in the first layer and the Output in the last,
 * crossings are minimised with the document order as the tie-breaker, and edges are routed
 * orthogonally around the cards (a skip connection runs beside the blocks it skips, never behind
 * them). Real card sizes go in; card positions and the routed edges come out. Pure apart from
 * being asynchronous: the editor dispatches the positions as one undoable move.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { CanvasView } from './canvas-view.ts';
import { GAP_ACROSS, GAP_ALONG, type Direction, type Position, type Size } from './geometry.ts';

export interface LayoutInput {
  view: CanvasView;
  /** The drawn size of each card, by card id. */
  sizes: ReadonlyMap<string, Size>;
  /** The block type at the head of each card: Input goes first and Output last. */
  roles: ReadonlyMap<string, 'first' | 'last'>;
  direction: Direction;
}

export interface Layout {
  /** Top-left corner of each card. */
  positions: Map<string, Position>;
  /** Each link as a polyline from its source card's port to its target's, by link id. */
  routes: Map<string, Position[]>;
}

/** Space between an edge and a card, and between parallel edges. */
const EDGE_CARD_GAP = 24;
const EDGE_EDGE_GAP = 14;

/** Loaded on first use: the layout kernel is large and most sessions open designs that have positions. */
let engine: Promise<ELK> | undefined;

export async function layeredLayout({ view, sizes, roles, direction }: LayoutInput): Promise<Layout> {
  engine ??= import('elkjs/lib/elk.bundled.js').then(({ default: Kernel }) => new Kernel());
  const elk = await engine;
  const down = direction === 'down';
  const children: ElkNode[] = view.cards.map((card) => {
    const { width, height } = sizes.get(card.id) ?? { width: 0, height: 0 };
    const role = roles.get(card.id);
    return {
      id: card.id,
      width: Math.ceil(width),
      height: Math.ceil(height),
      layoutOptions: {
        // One port in and one out, in the middle of the sides the canvas draws its handles on.
        'elk.portConstraints': 'FIXED_POS',
        ...(role ? { 'elk.layered.layering.layerConstraint': role === 'first' ? 'FIRST' : 'LAST' } : {}),
      },
      ports: [
        port(`${card.id}\u0000in`, down ? Math.ceil(width) / 2 : 0, down ? 0 : Math.ceil(height) / 2, down ? 'NORTH' : 'WEST'),
        port(`${card.id}\u0000out`, down ? Math.ceil(width) / 2 : Math.ceil(width), down ? Math.ceil(height) : Math.ceil(height) / 2, down ? 'SOUTH' : 'EAST'),
      ],
    };
  });
  const edges: ElkExtendedEdge[] = view.links.map((link) => ({ id: link.id, sources: [`${link.source}\u0000out`], targets: [`${link.target}\u0000in`] }));
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': down ? 'DOWN' : 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': String(GAP_ACROSS),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_ALONG),
      'elk.spacing.edgeNode': String(EDGE_CARD_GAP),
      'elk.layered.spacing.edgeNodeBetweenLayers': String(GAP_ALONG / 2 - 4),
      'elk.spacing.edgeEdge': String(EDGE_EDGE_GAP),
      'elk.layered.spacing.edgeEdgeBetweenLayers': String(EDGE_EDGE_GAP / 2),
      // Ties broken by the order blocks and connections have in the document: the main path of a
      // residual block stays where it was drawn, its skip beside it.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      // Long chains straight: each block under (or beside) the one it follows.
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
      'elk.separateConnectedComponents': 'true',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children,
    edges,
  });

  const positions = new Map<string, Position>();
  for (const child of result.children ?? []) positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  const routes = new Map<string, Position[]>();
  for (const edge of (result.edges ?? []) as ElkExtendedEdge[]) {
    const section = edge.sections?.[0];
    if (!section) continue;
    routes.set(edge.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y })));
  }
  return { positions, routes };
}

function port(id: string, x: number, y: number, side: 'NORTH' | 'SOUTH' | 'WEST' | 'EAST'): ElkNode {
  return { id, x, y, width: 0, height: 0, layoutOptions: { 'elk.port.side': side } };
}
