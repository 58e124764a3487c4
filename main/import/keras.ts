/**
 * Importing a Keras or TensorFlow.js model topology as a CNN Studio graph document. Reads Keras 2
 * and Keras 3 `model.to_json()` output (Sequential and Functional) and TF.js `model.json` files,
 * maps each layer onto blocks (keras-layers.ts), wires them as the model's inbound nodes say, lays
 * them out top to bottom and checks the result with the graph loader. Weights are not imported.
 * Never throws: anything it cannot convert comes back as a list of problems.
 */
import { parseGraphDocument } from '../graph/load.ts';
import { GRAPH_FORMAT, GRAPH_VERSION } from '../graph/schema.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readKerasModel, type KerasModel } from './keras-format.ts';
import { mapLayer, SUPPORTED_LAYERS } from './keras-layers.ts';

export { looksLikeKerasTopology } from './keras-format.ts';

export type ImportResult = { ok: true; graph: GraphDocument; notes: string[] } | { ok: false; problems: string[] };

/** Horizontal distance between blocks side by side, and vertical distance between rows. */
const COLUMN_WIDTH = 220;
const ROW_HEIGHT = 90;

interface DraftNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  trainable?: boolean;
  position?: { x: number; y: number };
}

interface DraftEdge {
  source: string;
  target: string;
}

export function importKerasTopology(value: unknown): ImportResult {
  try {
    const read = readKerasModel(value);
    return read.ok ? convert(read.model) : read;
  } catch (error) {
    return { ok: false, problems: [`could not import the model: ${(error as Error)?.message ?? String(error)}`] };
  }
}

function convert(model: KerasModel): ImportResult {
  const nodes: DraftNode[] = [];
  const edges: DraftEdge[] = [];
  const problems: string[] = [];
  const notes = [...model.notes];
  const unsupported: string[] = [];
  // Layer names are the ids; the blocks added for activations must not take one of them.
  const ids = new Set(model.layers.map((layer) => layer.name));
  /** Per layer: the block its output leaves from, and that output's rank (3 for a feature map, 1 flat). */
  const tails = new Map<string, string>();
  const ranks = new Map<string, number | undefined>();

  for (const layer of model.layers) {
    const rank = layer.inputs.length > 0 ? ranks.get(layer.inputs[0]!) : undefined;
    const mapped = mapLayer(layer, { rank, isOutput: layer.name === model.output });
    if (!mapped.supported) {
      unsupported.push(`"${layer.name}" (${layer.className})`);
      continue;
    }
    problems.push(...mapped.problems);
    ranks.set(layer.name, mapped.rank);
    if (mapped.pieces.length === 0) continue;

    let previous: string | undefined;
    mapped.pieces.forEach((piece, index) => {
      const id = index === 0 ? layer.name : uniqueId(`${layer.name}_${piece.suffix ?? piece.type}`, ids);
      nodes.push({ id, type: piece.type, params: piece.params, ...(piece.trainable === false ? { trainable: false } : {}) });
      if (previous === undefined) {
        for (const input of layer.inputs) {
          const source = tails.get(input);
          if (source !== undefined) edges.push({ source, target: id });
        }
      } else {
        edges.push({ source: previous, target: id });
      }
      previous = id;
    });
    tails.set(layer.name, previous!);
  }

  if (unsupported.length > 0) {
    problems.unshift(
      `unsupported layers: ${unsupported.join(', ')} (CNN Studio can import ${SUPPORTED_LAYERS.join(', ')})`,
    );
  }
  problems.push(...foldZeroPadding(nodes, edges), ...foldKeepDims(nodes, edges));
  if (problems.length > 0) return { ok: false, problems };

  // Without a softmax at the end the model's output is its last layer's values, taken as logits.
  const last = tails.get(model.output);
  if (last !== undefined && nodes.find((n) => n.id === last)?.type !== 'output') {
    const id = uniqueId('output', ids);
    nodes.push({ id, type: 'output', params: { activation: 'none' } });
    edges.push({ source: last, target: id });
  }
  layOut(nodes, edges);

  const document = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    ...(model.name === undefined ? {} : { name: model.name }),
    description: `Imported from ${model.source}.`,
    nodes,
    edges,
  };
  const loaded = parseGraphDocument(document);
  if (!loaded.ok) {
    return { ok: false, problems: loaded.problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)) };
  }
  return { ok: true, graph: loaded.graph, notes };
}

/**
 * The studio has no padding block: a ZeroPadding2D right before a valid convolution (how PyTorch
 * models and the studio's own export write `padding=p`) becomes that convolution's explicit padding.
 */
function foldZeroPadding(nodes: DraftNode[], edges: DraftEdge[]): string[] {
  const problems: string[] = [];
  for (const pad of nodes.filter((n) => n.type === 'zeroPadding2d')) {
    const outgoing = edges.filter((e) => e.source === pad.id);
    const conv = outgoing.length === 1 ? nodes.find((n) => n.id === outgoing[0]!.target) : undefined;
    if (!conv || (conv.type !== 'conv2d' && conv.type !== 'depthwiseConv2d') || conv.params.padding !== 'valid') {
      problems.push(`"${pad.id}" (ZeroPadding2D) can only be imported right before a Conv2D or DepthwiseConv2D with valid padding`);
      continue;
    }
    conv.params = { ...conv.params, padding: pad.params.padding };
    for (const edge of edges) if (edge.target === pad.id) edge.target = conv.id;
    edges.splice(edges.indexOf(outgoing[0]!), 1);
    nodes.splice(nodes.indexOf(pad), 1);
  }
  return problems;
}

/**
 * A GlobalAveragePooling2D followed by a Reshape to 1×1×C (how TensorFlow.js, and so the studio's
 * own export, writes a global pooling that keeps 1×1) is one GlobalAvgPool block with "keep 1×1",
 * named after the Reshape, whose output it is.
 */
function foldKeepDims(nodes: DraftNode[], edges: DraftEdge[]): string[] {
  const problems: string[] = [];
  for (const reshape of nodes.filter((n) => n.type === 'reshapeKeepDims')) {
    const incoming = edges.filter((e) => e.target === reshape.id);
    const pool = incoming.length === 1 ? nodes.find((n) => n.id === incoming[0]!.source) : undefined;
    const alone = pool !== undefined && edges.filter((e) => e.source === pool.id).length === 1;
    if (!pool || pool.type !== 'globalAvgPool' || pool.params.keepDims !== false || !alone) {
      problems.push(`"${reshape.id}" (Reshape) to 1×1×C can only be imported right after a GlobalAveragePooling2D that feeds nothing else`);
      continue;
    }
    reshape.type = 'globalAvgPool';
    reshape.params = { keepDims: true };
    for (const edge of edges) if (edge.target === pool.id) edge.target = reshape.id;
    edges.splice(edges.indexOf(incoming[0]!), 1);
    nodes.splice(nodes.indexOf(pool), 1);
  }
  return problems;
}

function uniqueId(base: string, ids: Set<string>): string {
  let id = base;
  for (let n = 2; ids.has(id); n += 1) id = `${base}_${n}`;
  ids.add(id);
  return id;
}

/**
 * Top to bottom: the row is the depth (the longest path from the input), the column the branch.
 * A block fed by one other sits in that block's column, spread out when it is one of several
 * such children (the branches of an inception block); a block joining branches sits between
 * them. Nodes arrive in dependency order.
 */
function layOut(nodes: DraftNode[], edges: DraftEdge[]): void {
  const sources = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const children = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) sources.get(edge.target)!.push(edge.source);
  // Only children fed by this block alone open a branch; a join takes its place from all its inputs.
  for (const edge of edges) if (sources.get(edge.target)!.length === 1) children.get(edge.source)!.push(edge.target);

  const depth = new Map<string, number>();
  const column = new Map<string, number>();
  for (const node of nodes) {
    const from = sources.get(node.id)!;
    depth.set(node.id, from.length === 0 ? 0 : Math.max(...from.map((id) => depth.get(id)!)) + 1);
    let col = 0;
    if (from.length === 1) {
      const siblings = children.get(from[0]!)!;
      col = column.get(from[0]!)! + siblings.indexOf(node.id) - (siblings.length - 1) / 2;
    } else if (from.length > 1) {
      col = from.reduce((sum, id) => sum + column.get(id)!, 0) / from.length;
    }
    column.set(node.id, col);
    node.position = { x: col * COLUMN_WIDTH, y: depth.get(node.id)! * ROW_HEIGHT };
  }
}
