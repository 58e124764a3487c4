/**
 * How long the canvas' own work takes: the layered layout (elkjs) behind Auto-layout and opening a
 * design without positions, inserting a block into a chain (placement makes room), and routing
 * every connection around the cards after a move. Measured on the journey's round 10, the small
 * residual net, and the 501-block residual network of the analysis bench.
 */
import { readFileSync } from 'node:fs';
import { parseGraphJson } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { routeLinks } from '../../renderer/src/components/canvas/routes.ts';
import { autoLayout } from '../../renderer/src/editor/auto-layout.ts';
import { canvasView, cardPositions } from '../../renderer/src/editor/canvas-view.ts';
import { applyCommand, initialState } from '../../renderer/src/editor/editor-state.ts';
import { boxOf, estimatedSizes } from '../../renderer/src/editor/geometry.ts';
import { withEdgeIds } from '../../renderer/src/editor/graph-edits.ts';
import { journeyPath, RESOURCES } from '../support/presets.ts';
import { residualNetwork } from './analysis-bench.ts';

export interface LayoutBenchRow {
  graph: string;
  nodes: number;
  /** Median of one layered layout, milliseconds. */
  layoutMedianMs: number;
  /** Median of inserting a block after the middle block (the command, room made included). */
  insertMedianMs: number;
  /** Median of routing every connection around the cards (after the layout's routes went stale). */
  routeMedianMs: number;
}

export async function runLayoutBench(): Promise<LayoutBenchRow[]> {
  const load = (text: string) => {
    const loaded = parseGraphJson(text);
    if (!loaded.ok) throw new Error('a bench graph does not load');
    return withEdgeIds(loaded.graph);
  };
  const round10 = load(readFileSync(journeyPath(10), 'utf8'));
  const resnet = load(readFileSync(`${RESOURCES}presets/small-resnet.json`, 'utf8'));
  const large = withEdgeIds(residualNetwork(71));
  const rows: LayoutBenchRow[] = [];
  for (const [name, graph, runs] of [['journey round 10', round10, 20], ['small residual net', resnet, 20], ['residual net (70 blocks)', large, 5]] as const) {
    rows.push(await measure(name, graph, runs));
  }
  return rows;
}

async function measure(name: string, graph: GraphDocument, runs: number): Promise<LayoutBenchRow> {
  const options = { direction: 'down' as const, compact: false };
  await autoLayout(graph, new Set(), estimatedSizes, options); // warm-up: loads the kernel
  const layoutTimes: number[] = [];
  let laidOut = graph;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const { positions } = await autoLayout(graph, new Set(), estimatedSizes, options);
    layoutTimes.push(performance.now() - start);
    laidOut = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id)! })) };
  }
  const state = initialState(laidOut);
  const middle = laidOut.nodes[Math.floor(laidOut.nodes.length / 2)]!.id;
  const selected = applyCommand(state, { type: 'select', nodes: [middle] });
  const insertTimes = times(runs * 5, () => applyCommand(selected, { type: 'insert', blockType: 'batchNorm' }));
  const view = canvasView(laidOut);
  const positions = cardPositions(laidOut, view);
  const boxes = new Map(view.cards.map((card) => [card.id, boxOf(positions.get(card.id)!, estimatedSizes(card))]));
  const routeTimes = times(runs * 5, () => routeLinks(view.links, boxes, null, 'down'));
  return { graph: name, nodes: graph.nodes.length, layoutMedianMs: median(layoutTimes), insertMedianMs: median(insertTimes), routeMedianMs: median(routeTimes) };
}

function times(count: number, run: () => unknown): number[] {
  run();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
