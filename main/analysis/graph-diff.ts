/**
 * What changed between two designs: blocks added, removed or changed (setting by setting) and
 * connections added or removed, matching blocks by id. This is the journey's "what changed this
 * round", for the run comparison and `cnn-studio diff`.
 */
import { blockTitle, describeSettings } from './describe.ts';
import { describeTrainingChange } from './training-words.ts';
import type { GraphDocument, GraphNode } from '../graph/types.ts';

export interface BlockRef {
  id: string;
  type: string;
  /** e.g. "Dropout rate 0.1". */
  description: string;
}

export interface SettingChange {
  key: string;
  before: unknown;
  after: unknown;
}

export interface GraphDiff {
  added: BlockRef[];
  removed: BlockRef[];
  changed: (BlockRef & { changes: SettingChange[] })[];
  edgesAdded: [source: string, target: string][];
  edgesRemoved: [source: string, target: string][];
  /**
   * Training settings that differ, by dotted key (`learningRate`, `augment.rotate`); a schedule
   * of another type is one change of the whole `schedule`, whose settings mean something else.
   */
  training: SettingChange[];
}

export function diffGraphs(before: GraphDocument, after: GraphDocument): GraphDiff {
  const old = new Map(before.nodes.map((node) => [node.id, node]));
  const now = new Map(after.nodes.map((node) => [node.id, node]));
  const changed: GraphDiff['changed'] = [];
  for (const node of after.nodes) {
    const previous = old.get(node.id);
    if (!previous) continue;
    const changes = settingChanges(previous, node);
    if (changes.length > 0) changed.push({ ...ref(node), changes });
  }
  const edgeKey = (e: { source: string; target: string }) => `${e.source}\u0000${e.target}`;
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    added: after.nodes.filter((node) => !old.has(node.id)).map(ref),
    removed: before.nodes.filter((node) => !now.has(node.id)).map(ref),
    changed,
    edgesAdded: after.edges.filter((e) => !oldEdges.has(edgeKey(e))).map((e) => [e.source, e.target]),
    edgesRemoved: before.edges.filter((e) => !newEdges.has(edgeKey(e))).map((e) => [e.source, e.target]),
    training: trainingChanges(before.training, after.training),
  };
}

export function isEmptyDiff(diff: GraphDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.changed.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.training.length === 0
  );
}

/** One line per change, for terminals and tooltips; the training settings in words (training-words.ts). */
export function describeDiff(diff: GraphDiff): string[] {
  const show = (value: unknown) => (value === undefined ? 'none' : JSON.stringify(value));
  const settings = (changes: SettingChange[]) => changes.map((c) => `${c.key} ${show(c.before)} → ${show(c.after)}`).join(', ');
  const training = diff.training.map((c) => {
    const line = describeTrainingChange(c);
    return `${line[0]!.toLowerCase()}${line.slice(1).replace(':', '')}`;
  });
  const rewired = diff.edgesAdded.length + diff.edgesRemoved.length;
  return [
    ...diff.added.map((b) => `+ ${b.id}: ${b.description}`),
    ...diff.removed.map((b) => `- ${b.id}: ${b.description}`),
    ...diff.changed.map((b) => `~ ${b.id}: ${settings(b.changes)}`),
    ...(rewired > 0 ? [`  ${diff.edgesAdded.length} connection${diff.edgesAdded.length === 1 ? '' : 's'} added, ${diff.edgesRemoved.length} removed`] : []),
    ...(training.length > 0 ? [`~ training: ${training.join('; ')}`] : []),
  ];
}

function ref(node: GraphNode): BlockRef {
  const settings = describeSettings(node);
  return { id: node.id, type: node.type, description: settings ? `${blockTitle(node)} ${settings}` : blockTitle(node) };
}

function settingChanges(before: GraphNode, after: GraphNode): SettingChange[] {
  if (before.type !== after.type) return [{ key: 'type', before: before.type, after: after.type }];
  const changes = objectChanges(comparable(before), comparable(after));
  // Missing means trainable, so a block frozen and thawed again is no change.
  const [was, is] = [before.trainable !== false, after.trainable !== false];
  if (was !== is) changes.push({ key: 'trainable', before: was, after: is });
  return changes;
}

/**
 * Params in one form per meaning, so that only real changes show: BatchNorm's center and scale
 * missing or true, pooling strides missing or equal to the pool size, zero explicit padding or
 * "valid", an activation's alpha where only leakyRelu reads it. (An export and import, which
 * spell these differently, then changes nothing.)
 */
function comparable(node: GraphNode): Record<string, unknown> {
  switch (node.type) {
    case 'batchNorm':
      return { ...node.params, center: node.params.center !== false, scale: node.params.scale !== false };
    case 'maxPool2d':
    case 'avgPool2d':
      return { ...node.params, strides: node.params.strides ?? node.params.poolSize };
    case 'conv2d':
    case 'depthwiseConv2d': {
      const padding = node.params.padding;
      return { ...node.params, padding: Array.isArray(padding) && padding.every((side) => side === 0) ? 'valid' : padding };
    }
    case 'activation': {
      // alpha is leakyRelu's slope; every other function ignores it.
      const { alpha, ...rest } = node.params;
      return node.params.function === 'leakyRelu' ? { ...rest, alpha } : rest;
    }
    default:
      return node.params as Record<string, unknown>;
  }
}

function objectChanges(before: Record<string, unknown>, after: Record<string, unknown>): SettingChange[] {
  const changes: SettingChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    // Own keys only: a key one side lacks must read as absent, never as an inherited `constructor`.
    const was = Object.hasOwn(before, key) ? before[key] : undefined;
    const is = Object.hasOwn(after, key) ? after[key] : undefined;
    if (JSON.stringify(was) !== JSON.stringify(is)) changes.push({ key, before: was, after: is });
  }
  return changes;
}

function trainingChanges(before: object | undefined, after: object | undefined): SettingChange[] {
  const was = (before ?? {}) as { schedule?: { type?: string } };
  const is = (after ?? {}) as { schedule?: { type?: string } };
  const whole = was.schedule !== undefined && is.schedule !== undefined && was.schedule.type !== is.schedule.type;
  return objectChanges(flatten(was, '', whole), flatten(is, '', whole));
}

/**
 * `{ schedule: { type: 'step' } }` becomes `{ 'schedule.type': 'step' }`; arrays stay whole, and so
 * does the schedule when `wholeSchedule` (two schedules of different types).
 */
function flatten(value: object, prefix = '', wholeSchedule = false): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (wholeSchedule && prefix === '' && key === 'schedule') flat[key] = item;
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) Object.assign(flat, flatten(item, `${prefix}${key}.`));
    else flat[`${prefix}${key}`] = item;
  }
  return flat;
}
