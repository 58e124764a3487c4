/** The editor's commands, undo and counters, without a screen. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { BlockType, GraphNode } from '../../main/graph/types.ts';
import { applyCommand, initialState, isDirty, type EditorCommand, type EditorState } from '../../renderer/src/editor/editor-state.ts';
import { changeSetting, SETTING_FIELDS } from '../../renderer/src/editor/setting-fields.ts';
import { canvasView } from '../../renderer/src/editor/canvas-view.ts';
import { estimateCardSize } from '../../renderer/src/editor/geometry.ts';
import { overlappingPairs, sceneOf } from '../../renderer/src/editor/placement.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

const run = (state: EditorState, ...commands: EditorCommand[]) => commands.reduce((s, c) => applyCommand(s, c), state);
const add = (blockType: BlockType, y = 0): EditorCommand => ({ type: 'add', blockType, position: { x: 0, y } });
const node = (state: EditorState, id: string) => state.graph.nodes.find((n) => n.id === id)!;
const field = (type: BlockType, key: string) => SETTING_FIELDS[type].find((f) => f.key === key)!;

describe('building a graph', () => {
  it('adds blocks with readable ids and selects the new one', () => {
    const state = run(initialState(), add('input'), add('conv2d'), add('conv2d'));
    expect(state.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'conv2']);
    expect([...state.selectedNodes]).toEqual(['conv2']);
  });

  it('updates the counters as blocks are connected', () => {
    let state = run(initialState(), add('input'), add('conv2d'));
    expect(analyzeGraph(state.graph).totals.params.trainable).toBe(0);
    state = run(state, { type: 'connect', source: 'input', target: 'conv1' });
    const analysis = analyzeGraph(state.graph);
    expect(analysis.nodes.conv1!.outputShape).toEqual([26, 26, 8]);
    expect(analysis.totals.params.trainable).toBe(72);
  });

  it('refuses a connection to itself and a second identical connection', () => {
    const state = run(initialState(), add('input'), add('conv2d'), { type: 'connect', source: 'input', target: 'conv1' });
    expect(run(state, { type: 'connect', source: 'input', target: 'conv1' })).toBe(state);
    expect(run(state, { type: 'connect', source: 'conv1', target: 'conv1' })).toBe(state);
  });

  it('rebuilds journey round 10 from an empty canvas: 9,896 parameters and a 28×28 receptive field', () => {
    const target = loadPreset(journeyPath(10));
    let state = initialState();
    for (const n of target.nodes) {
      state = run(state, add(n.type));
      const added = [...state.selectedNodes][0]!;
      state = run(state, { type: 'rename', id: added, name: n.id }, { type: 'setParams', id: added, params: n.params });
    }
    expect(state.graph.nodes.map((n) => n.id)).toEqual(target.nodes.map((n) => n.id));
    for (const e of target.edges) state = run(state, { type: 'connect', source: e.source, target: e.target });
    const analysis = analyzeGraph(state.graph);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.totals.params.trainable).toBe(9896);
    expect(analysis.receptiveField!.size).toEqual([28, 28]);
  });
});

describe('undo and redo', () => {
  const base = run(initialState(), add('input'), add('conv2d', 100), { type: 'connect', source: 'input', target: 'conv1' });

  it('undoes and redoes an edit', () => {
    const edited = run(base, { type: 'delete' });
    expect(edited.graph.nodes.map((n) => n.id)).toEqual(['input']);
    expect(edited.graph.edges).toEqual([]);
    const undone = run(edited, { type: 'undo' });
    expect(undone.graph).toBe(base.graph);
    expect(run(undone, { type: 'redo' }).graph).toBe(edited.graph);
  });

  it('records a drag as one step', () => {
    const drag = (x: number): EditorCommand => ({ type: 'move', positions: new Map([['conv1', { x, y: 100 }]]), dragId: 'd1' });
    const dragged = run(base, drag(10), drag(20), drag(30), { type: 'closeStep' });
    expect(node(dragged, 'conv1').position).toEqual({ x: 30, y: 100 });
    expect(node(run(dragged, { type: 'undo' }), 'conv1').position).toEqual(node(base, 'conv1').position);
  });

  it('starts a new step for the next drag of the same blocks', () => {
    const drag = (x: number, dragId: string): EditorCommand => ({ type: 'move', positions: new Map([['conv1', { x, y: 100 }]]), dragId });
    const twice = run(base, drag(10, 'a'), { type: 'closeStep' }, drag(20, 'b'), { type: 'closeStep' });
    expect(node(run(twice, { type: 'undo' }), 'conv1').position).toEqual({ x: 10, y: 100 });
  });

  it('does not clear the redo stack when only the selection changes', () => {
    const undone = run(base, { type: 'delete' }, { type: 'undo' });
    const selected = run(undone, { type: 'select', nodes: ['input'] });
    expect(selected.history.future).toHaveLength(1);
    expect(run(selected, { type: 'redo' }).graph.nodes).toHaveLength(1);
  });

  it('drops blocks that an undo removed from the selection', () => {
    const undone = run(base, { type: 'undo' }, { type: 'undo' });
    expect(undone.graph.nodes.map((n) => n.id)).toEqual(['input']);
    expect(undone.selectedNodes.has('conv1')).toBe(false);
  });
});

describe('typing in the inspector', () => {
  it('makes one undo step of a burst of keystrokes in one field', () => {
    const base = run(initialState(), add('input'), add('conv2d'));
    const conv = node(base, 'conv1') as GraphNode<'conv2d'>;
    const typed = run(
      base,
      { type: 'setParams', id: 'conv1', params: { ...conv.params, filters: 1 }, mergeKey: 'conv1.filters' },
      { type: 'setParams', id: 'conv1', params: { ...conv.params, filters: 16 }, mergeKey: 'conv1.filters' },
      { type: 'closeStep' },
    );
    expect((node(typed, 'conv1') as GraphNode<'conv2d'>).params.filters).toBe(16);
    expect((node(run(typed, { type: 'undo' }), 'conv1') as GraphNode<'conv2d'>).params.filters).toBe(8);
  });

  it('returns the same state for a selection that did not change', () => {
    const base = run(initialState(), add('input'), { type: 'select', nodes: ['input'] });
    expect(run(base, { type: 'select', nodes: ['input'] })).toBe(base);
  });
});

describe('clipboard', () => {
  const base = run(
    initialState(),
    add('input'),
    add('conv2d'),
    add('batchNorm'),
    { type: 'connect', source: 'input', target: 'conv1' },
    { type: 'connect', source: 'conv1', target: 'bn1' },
  );

  it('pastes a copy with fresh ids and the edges between the copied blocks, offset and clear of every block', () => {
    const pasted = run(base, { type: 'select', nodes: ['conv1', 'bn1'] }, { type: 'copy' }, { type: 'paste' });
    expect(pasted.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'bn1', 'conv2', 'bn2']);
    expect(pasted.graph.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['input>conv1', 'conv1>bn1', 'conv2>bn2']);
    // Offset to the right, and on down past the original it would have covered.
    expect(node(pasted, 'conv2').position!.x).toBe(node(base, 'conv1').position!.x + 40);
    expect(node(pasted, 'conv2').position!.y).toBeGreaterThan(node(base, 'bn1').position!.y);
    expect(overlappingPairs(sceneOf(pasted.graph, canvasView(pasted.graph), (card) => estimateCardSize(card), 'down'))).toEqual([]);
    expect([...pasted.selectedNodes]).toEqual(['conv2', 'bn2']);
  });

  it('duplicates the selection in one step', () => {
    const duplicated = run(base, { type: 'select', nodes: ['conv1'] }, { type: 'duplicate' });
    expect(duplicated.graph.nodes.map((n) => n.id)).toContain('conv2');
    expect(run(duplicated, { type: 'undo' }).graph).toBe(base.graph);
  });

  it('cuts: copies, then deletes', () => {
    const cut = run(base, { type: 'select', nodes: ['bn1'] }, { type: 'cut' });
    expect(cut.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1']);
    expect(run(cut, { type: 'paste' }).graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'bn1']);
  });
});

describe('inspector settings', () => {
  const state = run(initialState(), add('input'), add('conv2d'));
  const conv = node(state, 'conv1') as GraphNode<'conv2d'>;

  it.each([
    ['kernelSize', '0', 'Kernel size must be at least 1 (got 0)'],
    ['kernelSize', 'abc', 'Kernel must be a number or height×width'],
    ['filters', '', 'Filters must be a number'],
    ['filters', '2.5', 'Filters must be a whole number (got 2.5)'],
    ['padding', 'lots', 'Padding must be valid, same, p, ph×pw or top,bottom,left,right'],
    // Beyond the file format's limits: could never be saved, so never stored.
    ['kernelSize', '1000000000', 'Kernel size must be at most 1,024 (got 1000000000)'],
    ['filters', '1e9', 'Filters must be at most 65,536 (got 1000000000)'],
  ])('refuses %s = "%s" with a message', (key, text, message) => {
    expect(changeSetting(conv, field('conv2d', key), text)).toEqual({ ok: false, message });
  });

  it.each([
    ['kernelSize', '5', [5, 5]],
    ['kernelSize', '3×5', [3, 5]],
    ['padding', 'same', 'same'],
    ['padding', '1', [1, 1, 1, 1]],
    ['padding', '1×2', [1, 1, 2, 2]],
  ])('accepts %s = "%s"', (key, text, value) => {
    const result = changeSetting(conv, field('conv2d', key), text);
    expect(result.ok && (result.params as Record<string, unknown>)[key]).toEqual(value);
  });

  it('changes the counters once a setting is stored', () => {
    const result = changeSetting(conv, field('conv2d', 'filters'), '16');
    if (!result.ok) throw new Error(result.message);
    const next = run(state, { type: 'connect', source: 'input', target: 'conv1' }, { type: 'setParams', id: 'conv1', params: result.params });
    expect(analyzeGraph(next.graph).totals.params.trainable).toBe(144);
  });
});

describe('files', () => {
  it('is dirty after an edit and clean again after undoing back to the saved document or saving', () => {
    const opened = initialState(loadPreset(journeyPath(7)), '/tmp/r7.json');
    expect(isDirty(opened)).toBe(false);
    const edited = run(opened, { type: 'select', nodes: ['conv1'] }, { type: 'delete' });
    expect(isDirty(edited)).toBe(true);
    expect(isDirty(run(edited, { type: 'undo' }))).toBe(false);
    expect(isDirty(run(edited, { type: 'saved', path: '/tmp/r7b.json' }))).toBe(false);
  });

  it('restores a recovered draft dirty, keeping its path and the clipboard, and clean once saved', () => {
    const draft = loadPreset(journeyPath(9));
    const withClipboard = run(initialState(loadPreset(journeyPath(7))), { type: 'select', nodes: ['conv1'] }, { type: 'copy' });
    const restored = run(withClipboard, { type: 'restore', graph: draft, path: '/tmp/r9.json' });
    expect(isDirty(restored)).toBe(true);
    expect(restored.path).toBe('/tmp/r9.json');
    expect(restored.graph.nodes.map((n) => n.id)).toEqual(draft.nodes.map((n) => n.id));
    expect(restored.clipboard).toBe(withClipboard.clipboard);
    expect(restored.history.past).toEqual([]);
    expect(isDirty(run(restored, { type: 'saved', path: '/tmp/r9.json' }))).toBe(false);
  });

  it('lays out a graph that arrives without positions', () => {
    const graph = loadPreset(journeyPath(7));
    const bare = { ...graph, nodes: graph.nodes.map(({ position: _p, ...rest }) => rest as GraphNode) };
    const opened = initialState(bare, null);
    expect(opened.graph.nodes.every((n) => n.position !== undefined)).toBe(true);
    // Until the canvas has measured the blocks: one column, in evaluation order.
    const ys = analyzeGraph(opened.graph).order.map((id) => node(opened, id).position!.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(opened.graph.nodes.map((n) => n.position!.x)).size).toBe(1);
    // The real layout arrives as part of opening: no undo step, and the design stays clean.
    const laidOut = run(opened, { type: 'layoutOnOpen', positions: new Map([['conv1', { x: 500, y: 500 }]]), direction: 'down' });
    expect(node(laidOut, 'conv1').position).toEqual({ x: 500, y: 500 });
    expect(laidOut.history.past).toEqual([]);
    expect(isDirty(laidOut)).toBe(false);
  });
});

describe('freezing a block', () => {
  it('moves its weights to non-trainable in one undo step, and thawing leaves no field behind', () => {
    const start = initialState(loadPreset(journeyPath(10)));
    const frozen = run(start, { type: 'setTrainable', id: 'conv4', trainable: false });
    expect(node(frozen, 'conv4').trainable).toBe(false);
    expect(analyzeGraph(frozen.graph).totals.params).toMatchObject({ trainable: 9_896 - 4_608, nonTrainable: 192 + 4_608 });
    expect(run(frozen, { type: 'undo' }).graph).toBe(start.graph);
    const thawed = run(frozen, { type: 'setTrainable', id: 'conv4', trainable: true });
    expect('trainable' in node(thawed, 'conv4')).toBe(false);
  });

  it('switches a BatchNorm shift or scale off from its fields, which read on when left out', () => {
    const start = initialState(loadPreset(journeyPath(10)));
    const bn = node(start, 'bn1') as GraphNode<'batchNorm'>;
    expect(field('batchNorm', 'center').missing).toBe(true);
    const result = changeSetting(bn, field('batchNorm', 'center'), 'false');
    if (!result.ok) throw new Error(result.message);
    const state = run(start, { type: 'setParams', id: 'bn1', params: result.params });
    // 8 channels: β goes, γ stays.
    expect(analyzeGraph(state.graph).nodes.bn1!.params).toEqual({ trainable: 8, nonTrainable: 16 });
  });
});
