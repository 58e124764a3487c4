/**
 * Lays out the shipped designs (resources/journey, resources/presets) with the canvas' own
 * auto-layout (elkjs, top-down, every card at its drawn size), rewriting only their positions, so
 * a design opened from the gallery looks as Auto-layout would leave it. Run after changing the
 * card sizes or the layout: `npx tsx scripts/layout-designs.ts`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGraphJson } from '../main/graph/load.ts';
import { autoLayout } from '../renderer/src/editor/auto-layout.ts';
import { estimatedSizes } from '../renderer/src/editor/geometry.ts';
import { withEdgeIds } from '../renderer/src/editor/graph-edits.ts';

const RESOURCES = fileURLToPath(new URL('../resources/', import.meta.url));

for (const folder of ['journey', 'presets']) {
  for (const file of readdirSync(join(RESOURCES, folder)).filter((name) => name.endsWith('.json'))) {
    const path = join(RESOURCES, folder, file);
    const text = readFileSync(path, 'utf8');
    const loaded = parseGraphJson(text);
    if (!loaded.ok) throw new Error(`${path} does not load: ${loaded.problems.join('; ')}`);
    const graph = withEdgeIds(loaded.graph);
    const { positions } = await autoLayout(graph, new Set(), estimatedSizes, { direction: 'down', compact: graph.layout?.compact ?? false });
    // Positions are written where they stand, one per node in document order, the rest untouched.
    let index = 0;
    const updated = text.replace(/"position": \{ "x": -?[\d.]+, "y": -?[\d.]+ \}/g, (found) => {
      const node = graph.nodes[index++];
      const at = node && positions.get(node.id);
      return at ? `"position": { "x": ${at.x}, "y": ${at.y} }` : found;
    });
    if (index !== graph.nodes.length) throw new Error(`${path}: found ${index} positions for ${graph.nodes.length} blocks`);
    writeFileSync(path, updated);
    console.log(`${folder}/${file}: ${graph.nodes.length} blocks laid out`);
  }
}
