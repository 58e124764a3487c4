/** New blocks never land on others: inserting, adding, dropping and growing make room along the flow. */
import { describe, expect, it } from 'vitest';
import type { BlockType, GraphDocument } from '../../main/graph/types.ts';
import { canvasView } from '../../renderer/src/editor/canvas-view.ts';
import { applyCommand, directionOf, initialState, type EditorCommand, type EditorContext, type EditorState } from '../../renderer/src/editor/editor-state.ts';
import { estimateCardSize, type SizeOf } from '../../renderer/src/editor/geometry.ts';
import { freeSpot, makeRoom, overlappingPairs, sceneOf } from '../../renderer/src/editor/placement.ts';
import { journeyPath, loadPreset, RESOURCES } from '../support/presets.ts';

const run = (state: EditorState, context: EditorContext | undefined, ...commands: EditorCommand[]) => commands.reduce((s, c) => applyCommand(s, c, context), state);
const sizes: SizeOf = (card) => estimateCardSize(card);
const overlapsIn = (graph: GraphDocument, sizeOf: SizeOf = sizes) => overlappingPairs(sceneOf(graph, canvasView(graph), sizeOf, directionOf(graph)));
const position = (state: EditorState, id: string) => state.graph.nodes.find((n) => n.id === id)!.position!;

describe('placing new blocks', () => {
  it('builds journey round 10 from an empty canvas with the palette alone: no block ever overlaps another', () => {
    const target = loadPreset(journeyPath(10));
    let state = initialState();
    for (const node of target.nodes) {
      state = run(state, undefined, { type: 'insert', blockType: node.type });
      const added = [...state.selectedNodes][0]!;
      state = run(state, undefined, { type: 'rename', id: added, name: node.id }, { type: 'setParams', id: node.id, params: node.params });
      expect(overlapsIn(state.graph)).toEqual([]);
    }
    expect(state.graph.edges).toHaveLength(target.edges.length);
  });

  it('inserts in the middle of round 10, on a chain packed tight, and moves the rest of the chain down', () => {
    const opened = initialState(loadPreset(journeyPath(10)));
    expect(overlapsIn(opened.graph)).toEqual([]);
    const before = position(opened, 'relu4');
    const inserted = run(opened, undefined, { type: 'select', nodes: ['conv4'] }, { type: 'insert', blockType: 'batchNorm' });
    expect(overlapsIn(inserted.graph)).toEqual([]);
    expect(position(inserted, 'relu4').y).toBeGreaterThan(before.y);
    // Upstream stays where it was.
    expect(position(inserted, 'conv1')).toEqual(position(opened, 'conv1'));
  });

  it('splits a connection into a residual block without covering the skip path', async () => {
    const { withEdgeIds } = await import('../../renderer/src/editor/graph-edits.ts');
    const graph = withEdgeIds(loadPreset(`${RESOURCES}presets/small-resnet.json`));
    const opened = initialState(graph);
    const edge = graph.edges.find((e) => e.source === 'res2_skip_conv')!.id!;
    const state = run(opened, undefined, { type: 'insertIntoEdge', blockType: 'activation', edge });
    // The preset's own spacing may be tighter than today's cards; what counts is nothing new.
    const before = new Set(overlapsIn(opened.graph).map((pair) => pair.join()));
    expect(overlapsIn(state.graph).filter((pair) => !before.has(pair.join()))).toEqual([]);
  });

  it('adds a block with nothing selected below everything', () => {
    const opened = initialState(loadPreset(journeyPath(3)));
    const state = run(opened, undefined, { type: 'add', blockType: 'dense' });
    const lowest = Math.max(...opened.graph.nodes.map((n) => n.position!.y));
    expect(position(state, [...state.selectedNodes][0]!).y).toBeGreaterThan(lowest);
    expect(overlapsIn(state.graph)).toEqual([]);
  });

  it('moves a block dropped onto another to the nearest free spot along the flow', () => {
    const opened = initialState(loadPreset(journeyPath(3)));
    const onTop = position(opened, 'conv1');
    const state = run(opened, undefined, { type: 'add', blockType: 'dropout', position: onTop });
    expect(position(state, 'dropout1').x).toBe(onTop.x);
    expect(overlapsIn(state.graph)).toEqual([]);
  });

  it('inserts left to right in a left-to-right design', () => {
    const graph = loadPreset(journeyPath(2));
    const turned: GraphDocument = { ...graph, layout: { direction: 'right' }, nodes: graph.nodes.map((n) => ({ ...n, position: { x: n.position!.y * 3, y: n.position!.x } })) };
    const state = run(initialState(turned), undefined, { type: 'select', nodes: ['input'] }, { type: 'insert', blockType: 'batchNorm' });
    expect(position(state, 'bn1').x).toBeGreaterThan(position(state, 'input').x);
    expect(position(state, 'bn1').y).toBe(position(state, 'input').y);
    expect(overlapsIn(state.graph)).toEqual([]);
  });

  it('makes room once a block turns out taller than estimated, in the same undo step as adding it', () => {
    const opened = initialState(loadPreset(journeyPath(10)));
    const measured: EditorContext = { sizeOf: (card) => (card.id === 'bn99' ? { width: 216, height: 260 } : estimateCardSize(card)) };
    const inserted = run(opened, undefined, { type: 'select', nodes: ['conv4'] }, { type: 'insert', blockType: 'batchNorm' }, { type: 'rename', id: 'bn5', name: 'bn99' });
    // Renaming closed the insert step; growing now is its own change without an undo step.
    const grown = run(inserted, measured, { type: 'makeRoom', ids: ['bn99'] });
    expect(overlapsIn(grown.graph, measured.sizeOf)).toEqual([]);
    const fresh = run(opened, measured, { type: 'select', nodes: ['conv4'] }, { type: 'insert', blockType: 'batchNorm' });
    const tall: EditorContext = { sizeOf: (card) => (card.id === 'bn5' ? { width: 216, height: 260 } : estimateCardSize(card)) };
    const settled = run(fresh, tall, { type: 'makeRoom', ids: ['bn5'] });
    expect(overlapsIn(settled.graph, tall.sizeOf)).toEqual([]);
    expect(run(settled, tall, { type: 'undo' }).graph).toBe(opened.graph);
  });
});

describe('a layout that moves nothing', () => {
  it('is no edit: the design stays clean and no undo step is made', () => {
    const opened = initialState(loadPreset(journeyPath(4)));
    const same = new Map(opened.graph.nodes.map((n) => [n.id, { ...n.position! }]));
    const laidOut = run(opened, undefined, { type: 'layout', positions: same, direction: 'down' });
    expect(laidOut.graph).toBe(opened.graph);
    expect(laidOut.history.past).toEqual([]);
  });
});

describe('the placement functions', () => {
  const scene = (graph: GraphDocument) => sceneOf(graph, canvasView(graph), sizes, 'down');

  it('finds the spot asked for when it is free', () => {
    const graph = loadPreset(journeyPath(1));
    expect(freeSpot(scene(graph), { x: 5000, y: 5000 }, { width: 216, height: 96 })).toEqual({ x: 5000, y: 5000 });
  });

  it('moves nothing when the placed block collides with nothing, even in a tight arrangement', () => {
    const graph = loadPreset(journeyPath(1));
    const far = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'input' ? { ...n, position: { x: -1000, y: 0 } } : n)) };
    expect(makeRoom(scene(far), new Set(['input']))).toEqual(new Map());
  });

  it('never moves a block above the one placed unless covered by it', () => {
    const graph = loadPreset(journeyPath(1));
    const output = graph.nodes.find((n) => n.type === 'output')!.id;
    const moves = makeRoom(scene(graph), new Set([output]));
    expect([...moves.keys()]).toEqual([]);
  });

  it.each(['input', 'conv2d', 'dense', 'add'] as BlockType[])('never overlaps after inserting a %s after every block of round 7 in turn', (type) => {
    const opened = initialState(loadPreset(journeyPath(7)));
    for (const node of opened.graph.nodes) {
      const state = run(opened, undefined, { type: 'select', nodes: [node.id] }, { type: 'insert', blockType: type });
      expect(overlapsIn(state.graph), `after ${node.id}`).toEqual([]);
    }
  });
});
