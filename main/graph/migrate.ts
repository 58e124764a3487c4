/**
 * Older graph documents, brought up to the current version before the schema sees them. Works on
 * the raw parsed JSON, so it must never throw on a hostile value: anything it does not recognise
 * is passed through for the schema to report.
 *
 * Version 1 → 2: a block's optional `label` (a display name beside its id) is gone; the id is the
 * name. A label becomes the block's id when no other block already uses it as id or label, and the
 * connections follow; otherwise the id stays and the label is dropped.
 */

/** The document at the current version, or the value unchanged when it is not a version-1 object. */
export function migrateDocument(value: unknown): unknown {
  if (!isRecord(value) || value.version !== 1) return value;
  return { ...migrateLabels(value), version: 2 };
}

function migrateLabels(document: Record<string, unknown>): Record<string, unknown> {
  const { nodes, edges } = document;
  if (!Array.isArray(nodes)) return document;
  const ids = nodes.map((node) => (isRecord(node) && typeof node.id === 'string' ? node.id : undefined));
  const labels = nodes.map((node) => (isRecord(node) && typeof node.label === 'string' ? node.label.trim() : ''));
  const uses = new Map<string, number>();
  for (const name of [...ids, ...new Set(labels)]) if (name) uses.set(name, (uses.get(name) ?? 0) + 1);

  const renamed = new Map<string, string>();
  const migratedNodes = nodes.map((node, index) => {
    if (!isRecord(node) || !('label' in node)) return node;
    const { label: _label, ...rest } = node;
    const [id, label] = [ids[index], labels[index]!];
    // The label is free when only this block's label uses it (its own id counts as a use too).
    const free = label !== '' && label !== id && uses.get(label) === 1 && labels.indexOf(label) === labels.lastIndexOf(label);
    if (id === undefined || !free || renamed.has(id)) return rest;
    renamed.set(id, label);
    return { ...rest, id: label };
  });
  const migratedEdges = Array.isArray(edges)
    ? edges.map((edge) => {
        if (!isRecord(edge)) return edge;
        const rename = (end: unknown) => (typeof end === 'string' && renamed.has(end) ? renamed.get(end) : end);
        return { ...edge, source: rename(edge.source), target: rename(edge.target) };
      })
    : edges;
  return { ...document, nodes: migratedNodes, edges: migratedEdges };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
