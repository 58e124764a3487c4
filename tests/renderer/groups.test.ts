/** Groups and repeats: group, collapse, expand, repeat ×N, and what the analysis and exports make of them. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { summarizeGroup } from '../../main/analysis/group-summary.ts';
import { exportKerasJson, exportKerasPython } from '../../main/export/index.ts';
import { exportPyTorch } from '../../main/export/pytorch.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { canvasView } from '../../renderer/src/editor/canvas-view.ts';
import { applyCommand, directionOf, initialState, type EditorCommand, type EditorState } from '../../renderer/src/editor/editor-state.ts';
import { estimateCardSize } from '../../renderer/src/editor/geometry.ts';
import { groupingProblem, groupPorts, repeatGroup } from '../../renderer/src/editor/group-edits.ts';
import { overlappingPairs, sceneOf } from '../../renderer/src/editor/placement.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const run = (state: EditorState, ...commands: EditorCommand[]) => commands.reduce((s, c) => applyCommand(s, c), state);
const overlaps = (graph: GraphDocument) => overlappingPairs(sceneOf(graph, canvasView(graph), (card) => estimateCardSize(card), directionOf(graph)));
const round10 = () => initialState(loadPreset(journeyPath(10)));
const unit2 = ['conv2', 'relu2', 'bn2', 'dropout2'];

describe('grouping', () => {
  it('groups the selected blocks into one collapsed card with the totals of its blocks', () => {
    const state = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    expect(state.graph.groups).toEqual([{ id: 'group1', nodes: unit2, collapsed: true }]);
    const view = canvasView(state.graph);
    expect(view.cards.find((c) => c.id === 'group1')).toEqual({ id: 'group1', kind: 'group', members: unit2 });
    expect(view.cards).toHaveLength(30 - 4 + 1);
    const summary = summarizeGroup(state.graph, analyzeGraph(state.graph), unit2);
    expect(summary).toMatchObject({ exit: 'dropout2', outputShape: [24, 24, 16], params: { trainable: 1152 + 32, nonTrainable: 32 }, macs: 24 * 24 * 16 * 9 * 8 });
    expect(summary.receptiveField!.size).toEqual([5, 5]);
  });

  it('leaves the totals as they were, collapsed or expanded', () => {
    const before = analyzeGraph(round10().graph).totals;
    const collapsed = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const expanded = run(collapsed, { type: 'setGroupCollapsed', group: 'group1', collapsed: false });
    expect(analyzeGraph(collapsed.graph).totals).toEqual(before);
    expect(analyzeGraph(expanded.graph).totals).toEqual(before);
  });

  it('closes the gap the folded blocks leave, and makes room again when expanded', () => {
    const opened = round10();
    const y = (state: EditorState, id: string) => state.graph.nodes.find((n) => n.id === id)!.position!.y;
    const grouped = run(opened, { type: 'select', nodes: unit2 }, { type: 'group' });
    // Four blocks in a column become one card: pool1 moves up by three blocks and their gaps.
    expect(y(grouped, 'pool1')).toBe(y(opened, 'pool1') - 3 * 144);
    expect(y(grouped, 'conv1')).toBe(y(opened, 'conv1'));
    const expanded = run(grouped, { type: 'setGroupCollapsed', group: 'group1', collapsed: false });
    expect(y(expanded, 'pool1')).toBe(y(opened, 'pool1'));
    expect(overlaps(expanded.graph)).toEqual([]);
  });

  it('expands in place without covering anything, and collapses again', () => {
    const collapsed = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const expanded = run(collapsed, { type: 'setGroupCollapsed', group: 'group1', collapsed: false });
    expect(canvasView(expanded.graph).cards.some((c) => c.kind === 'group')).toBe(false);
    expect(overlaps(expanded.graph)).toEqual([]);
    expect(run(expanded, { type: 'setGroupCollapsed', group: 'group1', collapsed: true }).graph.groups![0]!.collapsed).toBe(true);
  });

  it('refuses a block that is already in a group', () => {
    const state = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    expect(groupingProblem(state.graph, ['conv2', 'conv3'])).toBe('conv2 is already in the group group1; ungroup it first');
    expect(run(state, { type: 'select', nodes: ['conv2', 'conv3'] }, { type: 'group' }).graph).toBe(state.graph);
  });

  it('ungroups in one undoable step', () => {
    const grouped = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const ungrouped = run(grouped, { type: 'ungroup', group: 'group1' });
    expect(ungrouped.graph.groups).toBeUndefined();
    expect(run(ungrouped, { type: 'undo' }).graph).toBe(grouped.graph);
  });

  it('saves and loads the groups with the design', () => {
    const grouped = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const reloaded = parseGraphDocument(JSON.parse(JSON.stringify(grouped.graph)));
    expect(reloaded.ok && reloaded.graph.groups).toEqual(grouped.graph.groups);
  });
});

describe('repeating a group', () => {
  it('stamps a group three times in a chain, with renamed blocks and a group per copy', () => {
    const grouped = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const repeated = run(grouped, { type: 'repeatGroup', group: 'group1', times: 3 });
    const ids = repeated.graph.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['conv2_2', 'relu2_2', 'bn2_2', 'dropout2_2', 'conv2_3', 'relu2_3', 'bn2_3', 'dropout2_3']));
    expect(repeated.graph.groups!.map((g) => g.id)).toEqual(['group1', 'group1_2', 'group1_3']);
    const analysis = analyzeGraph(repeated.graph);
    expect(analysis.order.slice(0, 14)).toEqual(['input', 'conv1', 'relu1', 'bn1', 'dropout1', ...unit2, ...unit2.map((id) => `${id}_2`), 'conv2_3']);
    expect(analysis.order.indexOf('pool1')).toBeGreaterThan(analysis.order.indexOf('dropout2_3'));
    // Each 3×3 conv (padding valid) takes 2 pixels off: 24 → 22 → 20 before the pool.
    expect(analysis.nodes.dropout2_3!.outputShape).toEqual([20, 20, 16]);
    expect(analysis.diagnostics).toEqual([]);
    expect(overlaps(repeated.graph)).toEqual([]);
  });

  it('is one undo step', () => {
    const grouped = run(round10(), { type: 'select', nodes: unit2 }, { type: 'group' });
    const repeated = run(grouped, { type: 'repeatGroup', group: 'group1', times: 3 });
    expect(run(repeated, { type: 'undo' }).graph).toBe(grouped.graph);
  });

  it('takes the next free numbers when a copy name is taken', () => {
    const graph = loadPreset(journeyPath(10));
    const taken: GraphDocument = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'relu1' ? { ...n, id: 'conv2_2' } : n)), edges: graph.edges.map((e) => ({ source: e.source === 'relu1' ? 'conv2_2' : e.source, target: e.target === 'relu1' ? 'conv2_2' : e.target })), groups: [{ id: 'g', nodes: unit2, collapsed: true }] };
    const { graph: repeated } = repeatGroup(taken, 'g', 2, { x: 0, y: 500 });
    expect(repeated.nodes.map((n) => n.id)).toContain('conv2_3');
    expect(analyzeGraph(repeated).diagnostics).toEqual([]);
  });

  it('refuses a group with two ways out, and one fed from two places, and says why', () => {
    const graph = loadPreset(`${RESOURCES}presets/small-resnet.json`);
    const grouped: GraphDocument = { ...graph, groups: [{ id: 'forks', nodes: ['res2_conv1', 'res2_skip_conv'] }, { id: 'joins', nodes: ['res2_add'] }] };
    expect(groupPorts(grouped, 'forks')).toEqual({ problem: '2 blocks of the group (res2_conv1, res2_skip_conv) feed blocks outside it; a repeated group has one output' });
    expect(groupPorts(grouped, 'joins')).toEqual({ problem: 'the group is fed by 2 blocks (res2_bn2, res2_skip_bn); a repeated group takes one input' });
    const state = initialState(grouped);
    expect(run(state, { type: 'repeatGroup', group: 'forks', times: 3 }).graph).toBe(state.graph);
  });

  it('repeats a residual block (one input feeding both paths)', () => {
    const graph = loadPreset(`${RESOURCES}presets/small-resnet.json`);
    const residual = ['res1_conv1', 'res1_bn1', 'res1_relu1', 'res1_conv2', 'res1_bn2', 'res1_add', 'res1_relu'];
    const grouped: GraphDocument = { ...graph, groups: [{ id: 'block1', nodes: residual, collapsed: true }] };
    const state = run(initialState(grouped), { type: 'repeatGroup', group: 'block1', times: 3 });
    const analysis = analyzeGraph(state.graph);
    expect(analysis.diagnostics).toEqual([]);
    const one = summarizeGroup(grouped, analyzeGraph(grouped), residual).params.trainable;
    expect(analysis.totals.params.trainable).toBe(analyzeGraph(grouped).totals.params.trainable + 2 * one);
  });
});

describe('exports of a grouped design', () => {
  it('are those of the same design without groups: groups are flattened', () => {
    const graph = loadPreset(journeyPath(10));
    const grouped = run(initialState(graph), { type: 'select', nodes: unit2 }, { type: 'group' }).graph;
    const plain = { ...grouped, groups: undefined };
    expect(exportPyTorch(grouped)).toBe(exportPyTorch(plain));
    expect(exportKerasPython(grouped)).toBe(exportKerasPython(plain));
    expect(JSON.stringify(exportKerasJson(tf, grouped))).toBe(JSON.stringify(exportKerasJson(tf, plain)));
  });
});
