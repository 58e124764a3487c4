/**
 * Layer names in a compiled model, derived from node ids so that a saved model's layers can be
 * traced back to blocks in the editor. TensorFlow.js accepts `[A-Za-z0-9][-A-Za-z0-9._/]*`.
 *
 * TensorFlow.js also keys plain objects by layer name when it rebuilds a saved model
 * (`Container.fromConfig`: `unprocessedNodes[layer.name].push(…)`, `name in createdLayers`), so a
 * layer called `constructor` or `toString` saves but never loads again. Those names get a trailing
 * underscore (`constructor_`), as Python's exporters do for keywords; every other id keeps its
 * spelling. Whoever needs the layer of a block asks `layerNames`, never the id itself.
 */
import type { GraphDocument } from '../graph/types.ts';

/** Names inherited by every plain object: `constructor`, `toString`, `__proto__`, `valueOf`, … */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

export function layerNames(graph: GraphDocument): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of graph.nodes) {
    const base = sanitize(node.id);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    names.set(node.id, name);
  }
  return names;
}

/**
 * Names for the ZeroPadding2D layers that explicit padding adds before a convolution, by node id:
 * `${name}_pad`, unless a block already has that name (a node may well be called "conv1_pad").
 */
export function paddingLayerNames(graph: GraphDocument, names: Map<string, string>): Map<string, string> {
  const taken = new Set(names.values());
  const padNames = new Map<string, string>();
  for (const node of graph.nodes) {
    if ((node.type !== 'conv2d' && node.type !== 'depthwiseConv2d') || !Array.isArray(node.params.padding)) continue;
    if (node.params.padding.every((p) => p === 0)) continue;
    const base = `${names.get(node.id)!}_pad`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    padNames.set(node.id, name);
  }
  return padNames;
}

/** The model's own name, from the graph's name, spelled as a layer name is. */
export function modelName(graph: GraphDocument): string {
  return sanitize(graph.name ?? 'cnn', 'm');
}

function sanitize(id: string, prefix = 'n'): string {
  const cleaned = id.replace(/[^-A-Za-z0-9._]/g, '_');
  const name = /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `${prefix}${cleaned}`;
  return OBJECT_MEMBERS.has(name) ? `${name}_` : name;
}

/**
 * Names for the GlobalAveragePooling2D layer before the Reshape that a GlobalAvgPool keeping 1×1
 * compiles to (TensorFlow.js' layer has no keepdims), by node id: `${name}_pool`, clashing with
 * no block's name and no padding layer's.
 */
export function keepDimsPoolNames(graph: GraphDocument, names: Map<string, string>, padNames: Map<string, string>): Map<string, string> {
  const taken = new Set([...names.values(), ...padNames.values()]);
  const poolNames = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.type !== 'globalAvgPool' || !node.params.keepDims) continue;
    const base = `${names.get(node.id)!}_pool`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    poolNames.set(node.id, name);
  }
  return poolNames;
}
