/**
 * Layer names in a compiled model, derived from node ids so that a saved model's layers can be
 * traced back to blocks in the editor. TensorFlow.js accepts `[A-Za-z0-9][-A-Za-z0-9._/]*`.
 */
import type { GraphDocument } from '../graph/types.ts';

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

function sanitize(id: string): string {
  const cleaned = id.replace(/[^-A-Za-z0-9._]/g, '_');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `n${cleaned}`;
}
