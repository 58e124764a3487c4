/**
 * What lies before a block, for the shape diagnostics: each suggests a fix, and a fix is only worth
 * suggesting when its premise holds. "Remove the Flatten before it" needs a Flatten there;
 * "fewer pooling steps before it" needs pooling there. So a message names the block that actually
 * gave the input its form, and offers only the fixes that apply.
 */
import type { GraphNode } from '../graph/types.ts';
import { BLOCKS } from './blocks/index.ts';
import { formatShape } from './format.ts';
import type { Upstream } from './blocks/spec.ts';
import type { NodeAnalysis, Shape } from './types.ts';

/** The Upstream of a block fed by `sources`, given the graph's nodes and what the analysis found so far. */
export function upstreamOf(
  sources: readonly string[],
  byId: ReadonlyMap<string, GraphNode>,
  incoming: ReadonlyMap<string, readonly string[]>,
  results: Readonly<Record<string, NodeAnalysis>>,
): Upstream {
  const upstream = {
    /**
     * The block that gave the first input its form — made it a flat vector, or made the map —
     * looking past blocks that keep the form (BatchNorm, activations, Dropout, Add, Concat, and
     * Flatten of a flat vector). Undefined when the block has no analysed input.
     */
    origin(): GraphNode | undefined {
      let id = sources[0];
      // Each step goes to a first input, so the walk ends at the Input block at the latest.
      for (let steps = 0; id !== undefined && steps <= byId.size; steps++) {
        const node = byId.get(id);
        if (!node || !passesForm(node, results[id]?.inputShapes[0])) return node;
        id = incoming.get(id)?.[0];
      }
      return undefined;
    },
    shrunk() {
      const seen = new Set<string>();
      const stack = [...sources];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        const node = byId.get(id);
        if (node && shrinks(node)) return true;
        stack.push(...(incoming.get(id) ?? []));
      }
      return false;
    },
    flatInputMessage: (kind: string, input: Shape) => flatInputMessage(kind, input, upstream.origin()),
    mapInputMessage: (kind: string, input: Shape) => mapInputMessage(kind, input, upstream.origin()),
  };
  return upstream;
}

function passesForm(node: GraphNode, input: Shape | undefined): boolean {
  switch (node.type) {
    case 'batchNorm':
    case 'activation':
    case 'dropout':
    case 'add':
    case 'concat':
      return true;
    case 'flatten':
      return input !== undefined && input.length === 1;
    default:
      return false;
  }
}

function shrinks(node: GraphNode): boolean {
  switch (node.type) {
    case 'maxPool2d':
    case 'avgPool2d':
      return true;
    case 'conv2d':
    case 'depthwiseConv2d':
      return node.params.strides.some((s) => s > 1);
    default:
      return false;
  }
}

/** `gap1 (GlobalAvgPool)`, `gap1 (GlobalAvgPool, keep 1×1)`. */
function named(node: GraphNode): string {
  const keep = node.type === 'globalAvgPool' && node.params.keepDims ? ', keep 1×1' : '';
  return `${node.id} (${BLOCKS[node.type].title}${keep})`;
}

/** `needs-feature-map`: a block that slides windows over a map, or pools it, gets a flat vector. */
function flatInputMessage(kind: string, input: Shape, origin: GraphNode | undefined): string {
  const base = `${kind} needs a feature map (height×width×channels) but gets a flat vector of ${formatShape(input)}`;
  if (!origin) return base;
  const from = `${base} from ${named(origin)}`;
  switch (origin.type) {
    case 'flatten':
      return `${from}; move this block before ${origin.id}, or remove ${origin.id}`;
    case 'globalAvgPool':
      return `${from}; turn on "keep 1×1" on ${origin.id} so that it gives a 1×1×${formatShape(input)} map`;
    case 'dense':
      return `${from}; move this block before ${origin.id}, or use a 1×1 Conv2d in place of ${origin.id} to keep a map`;
    default:
      return from;
  }
}

/** `needs-flat-input`: Dense or Output gets a feature map. */
function mapInputMessage(kind: string, input: Shape, origin: GraphNode | undefined): string {
  const base = `${kind} but gets ${formatShape(input)}${origin ? ` from ${named(origin)}` : ''}`;
  if (origin?.type === 'globalAvgPool' && origin.params.keepDims) {
    return `${base}; turn off "keep 1×1" on ${origin.id}, or add Flatten before this block`;
  }
  return `${base}; add Flatten or GlobalAvgPool before it`;
}
