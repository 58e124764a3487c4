/**
 * Groups and repeats, as pure edits of the document. A group is a named set of blocks drawn as one
 * card when collapsed (Neural Network Console's and Deep Network Designer's groups); "repeat ×N"
 * stamps a group N times in a chain, each copy with renamed blocks and a group of its own. Groups
 * change nothing about the network: the analysis and every export see the blocks.
 */
import type { GraphDocument, GraphEdge, GraphGroup, GraphNode } from '../../../main/graph/types.ts';
import { MAX_ID_LENGTH } from '../../../main/graph/limits.ts';
import type { Position } from './geometry.ts';

/** The group block `id` is in, if any. */
export function groupOf(graph: GraphDocument, id: string): GraphGroup | undefined {
  return graph.groups?.find((group) => group.nodes.includes(id));
}

/** Why these blocks cannot form a group; null when they can. */
export function groupingProblem(graph: GraphDocument, ids: readonly string[]): string | null {
  if (ids.length === 0) return 'select the blocks to group';
  const grouped = ids.find((id) => groupOf(graph, id));
  if (grouped) return `${grouped} is already in the group ${groupOf(graph, grouped)!.id}; ungroup it first`;
  return null;
}

/** Groups `ids` (in document order) under a fresh name, collapsed; unchanged if refused. */
export function groupBlocks(graph: GraphDocument, ids: readonly string[], collapsed = true): { graph: GraphDocument; id: string | null } {
  if (groupingProblem(graph, ids)) return { graph, id: null };
  const chosen = new Set(ids);
  const used = new Set([...graph.nodes.map((n) => n.id), ...(graph.groups ?? []).map((g) => g.id)]);
  let n = 1;
  while (used.has(`group${n}`)) n++;
  const id = `group${n}`;
  const group: GraphGroup = { id, nodes: graph.nodes.filter((n) => chosen.has(n.id)).map((n) => n.id), collapsed };
  return { graph: { ...graph, groups: [...(graph.groups ?? []), group] }, id };
}

export function ungroup(graph: GraphDocument, groupId: string): GraphDocument {
  const groups = (graph.groups ?? []).filter((group) => group.id !== groupId);
  if (groups.length === (graph.groups ?? []).length) return graph;
  const { groups: _dropped, ...rest } = graph;
  return groups.length > 0 ? { ...rest, groups } : rest;
}

export function setGroupCollapsed(graph: GraphDocument, groupId: string, collapsed: boolean): GraphDocument {
  const group = graph.groups?.find((g) => g.id === groupId);
  if (!group || (group.collapsed ?? false) === collapsed) return graph;
  return { ...graph, groups: graph.groups!.map((g) => (g.id === groupId ? { ...g, collapsed } : g)) };
}

/** Why `name` cannot be the new name of group `groupId`; null when it can. */
export function groupNameProblem(graph: GraphDocument, groupId: string, name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'a group needs a name';
  if (trimmed.length > MAX_ID_LENGTH) return `a name may have at most ${MAX_ID_LENGTH} characters`;
  if (graph.nodes.some((node) => node.id === trimmed)) return `a block is already called "${trimmed}"`;
  if (trimmed !== groupId && graph.groups?.some((group) => group.id === trimmed)) return `another group is already called "${trimmed}"`;
  return null;
}

export function renameGroup(graph: GraphDocument, groupId: string, name: string): GraphDocument {
  const to = name.trim();
  if (to === groupId || groupNameProblem(graph, groupId, name) !== null) return graph;
  return { ...graph, groups: graph.groups?.map((g) => (g.id === groupId ? { ...g, id: to } : g)) };
}

/** How a group is wired to the rest: the one block feeding it, and the one block whose output leaves it. */
export interface GroupPorts {
  /** Connections from outside into the group; all from one block. */
  entry: GraphEdge[];
  source: string;
  /** The member whose output leaves the group, and the connections it makes. */
  exit: string;
  leaving: GraphEdge[];
}

/** The group's ports, or why it cannot be repeated as one stage of a chain. */
export function groupPorts(graph: GraphDocument, groupId: string): GroupPorts | { problem: string } {
  const group = graph.groups?.find((g) => g.id === groupId);
  if (!group) return { problem: `there is no group ${groupId}` };
  const members = new Set(group.nodes);
  const kinds = graph.nodes.filter((n) => members.has(n.id) && (n.type === 'input' || n.type === 'output'));
  if (kinds.length > 0) return { problem: `${kinds[0]!.id} is an ${kinds[0]!.type === 'input' ? 'Input' : 'Output'} block; a repeated group sits inside the chain` };
  const entry = graph.edges.filter((e) => members.has(e.target) && !members.has(e.source));
  const sources = new Set(entry.map((e) => e.source));
  if (sources.size !== 1) return { problem: sources.size === 0 ? 'nothing feeds the group; connect it first' : `the group is fed by ${sources.size} blocks (${[...sources].join(', ')}); a repeated group takes one input` };
  const leaving = graph.edges.filter((e) => members.has(e.source) && !members.has(e.target));
  const exits = new Set(leaving.map((e) => e.source));
  if (exits.size !== 1) return { problem: exits.size === 0 ? "the group's output leads nowhere; connect it first" : `${exits.size} blocks of the group (${[...exits].join(', ')}) feed blocks outside it; a repeated group has one output` };
  return { entry, source: [...sources][0]!, exit: [...exits][0]!, leaving };
}

/** A copy's name for block or group `name`: `name_k`, or the next free number after it. */
function copyName(name: string, copy: number, used: Set<string>): string {
  for (let n = copy; ; n++) {
    const candidate = `${name}_${n}`;
    if (!used.has(candidate) && candidate.length <= MAX_ID_LENGTH) {
      used.add(candidate);
      return candidate;
    }
  }
}

/**
 * Repeats group `groupId` so that it appears `times` times in a chain (the original is the first):
 * copy k is fed by the exit of copy k − 1, the last copy feeds what the group fed, and copy k's
 * blocks are named `<name>_k` (or the next free number). Each copy is a group of its own, collapsed
 * like the original, placed `step` further along for each copy. Unchanged if the group has not
 * one input and one output (groupPorts).
 */
export function repeatGroup(graph: GraphDocument, groupId: string, times: number, step: Position): { graph: GraphDocument; groups: string[] } {
  const ports = groupPorts(graph, groupId);
  const group = graph.groups?.find((g) => g.id === groupId);
  if ('problem' in ports || !group || !Number.isInteger(times) || times < 2) return { graph, groups: [] };
  const members = new Set(group.nodes);
  const used = new Set([...graph.nodes.map((n) => n.id), ...(graph.groups ?? []).map((g) => g.id)]);
  const inner = graph.edges.filter((e) => members.has(e.source) && members.has(e.target));
  const originals = graph.nodes.filter((n) => members.has(n.id));
  const taken = new Set(graph.edges.map((e) => e.id).filter((id): id is string => id !== undefined));
  const edgeId = (source: string, target: string) => {
    let id = `${source}->${target}`;
    for (let n = 2; taken.has(id); n++) id = `${source}->${target}#${n}`;
    taken.add(id);
    return id;
  };

  const nodes: GraphNode[] = [...graph.nodes];
  const edges: GraphEdge[] = graph.edges.filter((e) => !ports.leaving.includes(e));
  const groups: GraphGroup[] = [...(graph.groups ?? [])];
  const added: string[] = [];
  let previousExit = ports.exit;
  for (let copy = 2; copy <= times; copy++) {
    const rename = new Map(originals.map((n) => [n.id, copyName(n.id, copy, used)]));
    for (const node of originals) {
      const at = node.position ?? { x: 0, y: 0 };
      nodes.push({ ...structuredClone(node), id: rename.get(node.id)!, position: { x: at.x + step.x * (copy - 1), y: at.y + step.y * (copy - 1) } } as GraphNode);
    }
    for (const e of ports.entry) edges.push({ source: previousExit, target: rename.get(e.target)!, id: edgeId(previousExit, rename.get(e.target)!) });
    for (const e of inner) edges.push({ source: rename.get(e.source)!, target: rename.get(e.target)!, id: edgeId(rename.get(e.source)!, rename.get(e.target)!) });
    const copyId = copyName(group.id, copy, used);
    groups.push({ ...group, id: copyId, nodes: group.nodes.map((id) => rename.get(id)!) });
    added.push(copyId);
    previousExit = rename.get(ports.exit)!;
  }
  // What the group fed, the last copy feeds, each connection in its place (Concat's order).
  const lastExit = previousExit;
  const rewired = graph.edges.flatMap((e) => (ports.leaving.includes(e) ? [{ ...e, source: lastExit, id: edgeId(lastExit, e.target) }] : []));
  const ordered = graph.edges.flatMap((e) => (ports.leaving.includes(e) ? [rewired.shift()!] : [e]));
  return { graph: { ...graph, nodes, edges: [...ordered, ...edges.slice(graph.edges.length - ports.leaving.length)], groups }, groups: added };
}
