/**
 * Loading a graph document: JSON text or a parsed value in, a typed graph or a list of problems
 * out. Never throws; every problem names the field it is about.
 */
import type { z } from 'zod';
import { parseJsonText } from './json-text.ts';
import { formatLimit, MAX_EDGES, MAX_NODES } from './limits.ts';
import { quoteValue } from './quote-value.ts';
import { migrateDocument } from './migrate.ts';
import { BLOCK_TYPES, GRAPH_FORMAT, GRAPH_VERSION, graphDocumentSchema, READABLE_VERSIONS } from './schema.ts';
import type { GraphDocument } from './types.ts';

export interface LoadProblem {
  /** Where in the document, e.g. `nodes[3] ("conv1").params.filters`; empty for the whole document. */
  path: string;
  message: string;
}

export type LoadResult =
  | { ok: true; graph: GraphDocument }
  | { ok: false; problems: LoadProblem[] };

/** A graph document from JSON text; a text that is not JSON gets a problem starting "not valid JSON", which never quotes the text. */
export function parseGraphJson(text: string): LoadResult {
  const json = parseJsonText(text, 'the text');
  if (json.ok) return parseGraphDocument(json.value);
  return fail('', json.reason.startsWith('is not valid JSON') ? json.reason.slice('is '.length) : `not valid JSON: the text ${json.reason}`);
}

export function parseGraphDocument(original: unknown): LoadResult {
  const header = checkHeader(original) ?? checkSize(original as Record<string, unknown>);
  if (header) return { ok: false, problems: [header] };
  const value = migrateDocument(original);

  const parsed = graphDocumentSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => describeIssue(issue, value)) };
  }
  const graph = parsed.data as GraphDocument;
  const problems = checkReferences(graph);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, graph };
}

/** Format and version first, so a file from elsewhere or from a newer studio gets one clear line. */
function checkHeader(value: unknown): LoadProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { path: '', message: 'a graph document must be a JSON object' };
  }
  const { format, version } = value as Record<string, unknown>;
  if (format !== GRAPH_FORMAT) {
    return {
      path: 'format',
      message: `must be "${GRAPH_FORMAT}" (found ${quoteValue(format)}); this is not a CNN Studio graph`,
    };
  }
  if (!(READABLE_VERSIONS as readonly unknown[]).includes(version)) {
    const newer = typeof version === 'number' && version > GRAPH_VERSION;
    return {
      path: 'version',
      message:
        `unsupported version ${quoteValue(version)}; this build reads versions ${READABLE_VERSIONS.join(' to ')}` +
        (newer ? ' (the file comes from a newer CNN Studio)' : ''),
    };
  }
  return undefined;
}

/**
 * Counted before the schema looks at a single block, so that a document of a million blocks is
 * refused at once with one line rather than a million problems.
 */
function checkSize(value: Record<string, unknown>): LoadProblem | undefined {
  for (const [field, limit, what] of [['nodes', MAX_NODES, 'blocks'], ['edges', MAX_EDGES, 'connections']] as const) {
    const list = value[field];
    if (Array.isArray(list) && list.length > limit) {
      return {
        path: field,
        message: `a graph may have at most ${formatLimit(limit)} ${what}; this one has ${formatLimit(list.length)}`,
      };
    }
  }
  return undefined;
}

function checkReferences(graph: GraphDocument): LoadProblem[] {
  const problems: LoadProblem[] = [];
  problems.push(...checkGroups(graph));
  const ids = new Set<string>();
  graph.nodes.forEach((node, index) => {
    if (ids.has(node.id)) {
      problems.push({ path: `nodes[${index}].id`, message: `duplicate node id "${node.id}"` });
    }
    ids.add(node.id);
  });
  const edgeIds = new Set<string>();
  graph.edges.forEach((edge, index) => {
    if (edge.id !== undefined) {
      if (edgeIds.has(edge.id)) problems.push({ path: `edges[${index}].id`, message: `duplicate edge id "${edge.id}"` });
      edgeIds.add(edge.id);
    }
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(edge[end])) {
        problems.push({ path: `edges[${index}].${end}`, message: `no node has the id "${edge[end]}"` });
      }
    }
  });
  return problems;
}

/** Groups name existing blocks, each block at most once, and never share an id with a block. */
function checkGroups(graph: GraphDocument): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const blocks = new Set(graph.nodes.map((node) => node.id));
  const groupIds = new Set<string>();
  const owner = new Map<string, string>();
  (graph.groups ?? []).forEach((group, index) => {
    const at = `groups[${index}] (${quoteValue(group.id)})`;
    if (groupIds.has(group.id)) problems.push({ path: `${at}.id`, message: `duplicate group id "${group.id}"` });
    if (blocks.has(group.id)) problems.push({ path: `${at}.id`, message: `"${group.id}" is already the name of a block` });
    groupIds.add(group.id);
    group.nodes.forEach((id, at2) => {
      const where = `${at}.nodes[${at2}]`;
      if (!blocks.has(id)) problems.push({ path: where, message: `no node has the id ${quoteValue(id)}` });
      else if (owner.has(id)) problems.push({ path: where, message: `${quoteValue(id)} is already in the group ${quoteValue(owner.get(id))}` });
      else owner.set(id, group.id);
    });
  });
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): LoadProblem {
  const path = formatPath(issue.path, root);
  const last = issue.path[issue.path.length - 1];
  if (last === 'type' && issue.path[0] === 'nodes') {
    const found = valueAt(root, issue.path);
    return {
      path,
      message: `unknown block type ${quoteValue(found)}; known types: ${BLOCK_TYPES.join(', ')}`,
    };
  }
  if (issue.code === 'unrecognized_keys') {
    // A hostile file may hold thousands of keys, or very long ones; name a few, shortened.
    const named = issue.keys.slice(0, 10).map((key) => quoteValue(key)).join(', ');
    const more = issue.keys.length > 10 ? ` and ${issue.keys.length - 10} more` : '';
    return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${named}${more}` };
  }
  if (valueAt(root, issue.path) === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return { path, message: issue.code === 'invalid_type' ? `is required (${issue.expected})` : 'is required' };
  }
  return { path, message: issue.message };
}

/** `["nodes", 3, "params", "filters"]` becomes `nodes[3] ("conv1").params.filters`. */
function formatPath(path: PropertyKey[], root: unknown): string {
  let text = '';
  let cursor: unknown = root;
  for (const key of path) {
    cursor = isRecord(cursor) || Array.isArray(cursor) ? (cursor as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      text += `[${key}]`;
      const id = isRecord(cursor) ? cursor.id : undefined;
      if (typeof id === 'string' && id !== '') text += ` (${quoteValue(id)})`;
    } else {
      text += text === '' ? String(key) : `.${String(key)}`;
    }
  }
  return text;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cursor = root;
  for (const key of path) {
    if (!isRecord(cursor) && !Array.isArray(cursor)) return undefined;
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  return cursor;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, message: string): LoadResult {
  return { ok: false, problems: [{ path, message }] };
}
