/** The layered layout (elkjs) on every shipped design: nothing overlaps, no edge runs behind a card, the output comes last. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canvasView, type CanvasView } from '../../renderer/src/editor/canvas-view.ts';
import { crossesAny } from '../../renderer/src/editor/edge-routing.ts';
import { boxOf, estimateCardSize, overlaps, type Box, type Direction, type Size } from '../../renderer/src/editor/geometry.ts';
import { withEdgeIds } from '../../renderer/src/editor/graph-edits.ts';
import { layeredLayout, type Layout } from '../../renderer/src/editor/layout.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { loadPreset, RESOURCES } from '../support/presets.ts';

const design = (path: string) => withEdgeIds(loadPreset(path));

const designs = ['journey', 'presets'].flatMap((folder) =>
  readdirSync(`${RESOURCES}${folder}`)
    .filter((file) => file.endsWith('.json'))
    .map((file) => `${folder}/${file}`),
);

async function layOut(graph: GraphDocument, direction: Direction, sizeOf: (id: string) => Size = () => estimateCardSize({ kind: 'block' })) {
  const view = canvasView(graph);
  const sizes = new Map(view.cards.map((card) => [card.id, sizeOf(card.id)]));
  const roles = new Map<string, 'first' | 'last'>();
  for (const n of graph.nodes) if (n.type === 'input' || n.type === 'output') roles.set(n.id, n.type === 'input' ? 'first' : 'last');
  const layout = await layeredLayout({ view, sizes, roles, direction });
  const boxes = new Map(view.cards.map((card) => [card.id, boxOf(layout.positions.get(card.id)!, sizes.get(card.id)!)]));
  return { view, layout, boxes };
}

function problems(view: CanvasView, layout: Layout, boxes: Map<string, Box>): string[] {
  const found: string[] = [];
  const entries = [...boxes];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) if (overlaps(entries[i]![1], entries[j]![1])) found.push(`${entries[i]![0]} overlaps ${entries[j]![0]}`);
  }
  for (const link of view.links) {
    const route = layout.routes.get(link.id);
    if (!route) found.push(`${link.id} has no route`);
    else if (crossesAny(route, [...boxes.values()])) found.push(`${link.id} runs behind a card`);
  }
  return found;
}

describe('the layered layout', () => {
  it.each(designs)('lays out %s top-down: no overlaps, no edge behind a card, the output below everything', async (file) => {
    const graph = design(`${RESOURCES}${file}`);
    const { view, layout, boxes } = await layOut(graph, 'down');
    expect(problems(view, layout, boxes)).toEqual([]);
    const output = graph.nodes.find((n) => n.type === 'output')!.id;
    const bottom = boxes.get(output)!.y;
    for (const [id, box] of boxes) if (id !== output) expect(box.y + box.height, id).toBeLessThan(bottom);
  });

  it.each(designs)('lays out %s left to right with the output right of everything', async (file) => {
    const graph = design(`${RESOURCES}${file}`);
    const { view, layout, boxes } = await layOut(graph, 'right');
    expect(problems(view, layout, boxes)).toEqual([]);
    const output = graph.nodes.find((n) => n.type === 'output')!.id;
    for (const [id, box] of boxes) if (id !== output) expect(box.x + box.width, id).toBeLessThan(boxes.get(output)!.x);
  });

  it('keeps round 10 in one column: every block under the one before it, no wrapping', async () => {
    const graph = design(`${RESOURCES}journey/round-10.json`);
    const { boxes } = await layOut(graph, 'down');
    const xs = new Set([...boxes.values()].map((box) => box.x));
    expect(xs.size).toBe(1);
  });

  it('runs the skip connection of a residual block beside the blocks it skips', async () => {
    const graph = design(`${RESOURCES}presets/small-resnet.json`);
    const { layout, boxes } = await layOut(graph, 'down');
    const skip = graph.edges.find((e) => e.source === 'stem_relu' && e.target === 'res1_add')!;
    const route = layout.routes.get(skip.id!)!;
    const skipped = ['res1_conv1', 'res1_bn1', 'res1_relu1', 'res1_conv2', 'res1_bn2'].map((id) => boxes.get(id)!);
    // Some part of the route runs past the skipped blocks, on one side of all of them.
    const beside = route.some((p, i) => i > 0 && p.x === route[i - 1]!.x && skipped.every((box) => p.x < box.x || p.x > box.x + box.width));
    expect(beside).toBe(true);
    expect(crossesAny(route, skipped)).toBe(false);
  });

  it('uses real sizes: a card made taller by a problem message overlaps nothing', async () => {
    const graph = design(`${RESOURCES}presets/inception-block.json`);
    const tall = new Set(graph.nodes.slice(1, 4).map((n) => n.id));
    const { view, layout, boxes } = await layOut(graph, 'down', (id) => ({ width: 216, height: tall.has(id) ? 190 : 96 }));
    expect(problems(view, layout, boxes)).toEqual([]);
  });
});
