/** Inserting into a chain, splitting a connection, and deleting with reconnect, as editor commands. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { BlockType, GraphDocument } from '../../main/graph/types.ts';
import { removeAndReconnect } from '../../renderer/src/editor/chain-edits.ts';
import { applyCommand, initialState, type EditorCommand, type EditorState } from '../../renderer/src/editor/editor-state.ts';
import { graphOf } from '../support/graphs.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

const run = (state: EditorState, ...commands: EditorCommand[]) => commands.reduce((s, c) => applyCommand(s, c), state);
const wiring = (graph: GraphDocument) => graph.edges.map((e) => `${e.source}>${e.target}`);
const select = (...nodes: string[]): EditorCommand => ({ type: 'select', nodes });
const insert = (blockType: BlockType): EditorCommand => ({ type: 'insert', blockType });

const chain = () =>
  initialState(
    graphOf(
      [
        { id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 } },
        { id: 'conv1', type: 'conv2d', params: { filters: 8, kernelSize: 3 } },
        { id: 'gap', type: 'globalAvgPool' },
        { id: 'output', type: 'output' },
      ],
      [
        ['input', 'conv1'],
        ['conv1', 'gap'],
        ['gap', 'output'],
      ],
    ),
  );

describe('inserting with a block selected', () => {
  it('puts the new block into the chain after the selection: its outgoing connections move to the new block', () => {
    const state = run(chain(), select('conv1'), insert('batchNorm'));
    expect(wiring(state.graph)).toEqual(['input>conv1', 'bn1>gap', 'gap>output', 'conv1>bn1']);
    expect([...state.selectedNodes]).toEqual(['bn1']);
    expect(analyzeGraph(state.graph).valid).toBe(true);
  });

  it('builds a chain by inserting again and again, each after the one just added', () => {
    const state = run(chain(), select('conv1'), insert('batchNorm'), insert('activation'), insert('dropout'));
    expect(analyzeGraph(state.graph).order).toEqual(['input', 'conv1', 'bn1', 'act1', 'dropout1', 'gap', 'output']);
  });

  it('is one undo step', () => {
    const before = run(chain(), select('conv1'));
    const inserted = run(before, insert('batchNorm'));
    expect(run(inserted, { type: 'undo' }).graph).toBe(before.graph);
  });

  it('inserts before the Output when the Output is selected', () => {
    const state = run(chain(), select('output'), insert('dense'));
    expect(wiring(state.graph)).toEqual(['input>conv1', 'conv1>gap', 'gap>dense1', 'dense1>output']);
  });

  it('only connects a new Output, and leaves an Input unconnected', () => {
    const output = run(chain(), select('gap'), insert('output'));
    expect(wiring(output.graph)).toContain('gap>output1');
    expect(wiring(output.graph)).toContain('gap>output');
    const input = run(chain(), select('gap'), insert('input'));
    expect(input.graph.edges).toHaveLength(3);
  });

  it('keeps Concat\'s input order when the block before it gets a successor', () => {
    const graph = graphOf(
      [
        { id: 'input', type: 'input', params: { height: 8, width: 8, channels: 1 } },
        { id: 'a', type: 'conv2d', params: { filters: 2, kernelSize: 1 } },
        { id: 'b', type: 'conv2d', params: { filters: 3, kernelSize: 1 } },
        { id: 'cat', type: 'concat' },
      ],
      [
        ['input', 'a'],
        ['input', 'b'],
        ['a', 'cat'],
        ['b', 'cat'],
      ],
    );
    const state = run(initialState(graph), select('a'), insert('batchNorm'));
    expect(analyzeGraph(state.graph).nodes.cat!.inputShapes.map((s) => s[2])).toEqual([2, 3]);
  });
});

describe('splitting a connection', () => {
  it('puts a block dropped on a connection between its two ends', () => {
    const base = chain();
    const edge = base.graph.edges.find((e) => e.source === 'conv1')!.id!;
    const state = run(base, { type: 'insertIntoEdge', blockType: 'activation', edge });
    expect(analyzeGraph(state.graph).order).toEqual(['input', 'conv1', 'act1', 'gap', 'output']);
  });

  it('inserts into the selected connection from the palette', () => {
    const base = chain();
    const edge = base.graph.edges.find((e) => e.source === 'gap')!.id!;
    const state = run(base, { type: 'select', nodes: [], edges: [edge] }, insert('dense'));
    expect(analyzeGraph(state.graph).order).toEqual(['input', 'conv1', 'gap', 'dense1', 'output']);
  });

  it("keeps a split Concat input in its place", () => {
    const graph = graphOf(
      [
        { id: 'input', type: 'input', params: { height: 8, width: 8, channels: 1 } },
        { id: 'a', type: 'conv2d', params: { filters: 2, kernelSize: 1 } },
        { id: 'b', type: 'conv2d', params: { filters: 3, kernelSize: 1 } },
        { id: 'cat', type: 'concat' },
      ],
      [
        ['input', 'a'],
        ['input', 'b'],
        ['a', 'cat'],
        ['b', 'cat'],
      ],
    );
    const base = initialState(graph);
    const edge = base.graph.edges.find((e) => e.source === 'a' && e.target === 'cat')!.id!;
    const state = run(base, { type: 'insertIntoEdge', blockType: 'conv2d', edge });
    // conv1 (8 filters by default) now feeds the first Concat input.
    expect(analyzeGraph(state.graph).nodes.cat!.inputShapes.map((s) => s[2])).toEqual([8, 3]);
  });
});

describe('deleting inside a chain', () => {
  it('joins the neighbours of a deleted block', () => {
    const state = run(chain(), select('conv1'), { type: 'delete' });
    expect(wiring(state.graph)).toEqual(['input>gap', 'gap>output']);
    expect(state.note).toBeNull();
  });

  it('leaves the gap with the other delete', () => {
    const state = run(chain(), select('conv1'), { type: 'deleteOnly' });
    expect(wiring(state.graph)).toEqual(['gap>output']);
  });

  it('joins across a run of deleted blocks', () => {
    const graph = loadPreset(journeyPath(10));
    const state = run(initialState(graph), select('relu1', 'bn1', 'dropout1'), { type: 'delete' });
    expect(wiring(state.graph)).toContain('conv1>conv2');
    expect(analyzeGraph(state.graph).valid).toBe(true);
  });

  it('does not join when the shapes do not allow it, and says why', () => {
    // Without the GlobalAvgPool the Output would get a feature map.
    const state = run(chain(), select('gap'), { type: 'delete' });
    expect(wiring(state.graph)).toEqual(['input>conv1']);
    expect(state.note).toMatch(/^Gap not reconnected: output: the output needs a flat vector/);
    const refused = removeAndReconnect(chain().graph, ['gap']);
    expect(refused.reconnected).toEqual([]);
    expect(refused.refused[0]).toMatch(/^gap not reconnected: output: the output needs a flat vector/);
  });

  it('joins every consumer of a block with one input and several outputs', () => {
    const graph = graphOf(
      [
        { id: 'input', type: 'input', params: { height: 8, width: 8, channels: 4 } },
        { id: 'bn', type: 'batchNorm' },
        { id: 'a', type: 'activation' },
        { id: 'b', type: 'activation' },
        { id: 'sum', type: 'add' },
      ],
      [
        ['input', 'bn'],
        ['bn', 'a'],
        ['bn', 'b'],
        ['a', 'sum'],
        ['b', 'sum'],
      ],
    );
    expect(wiring(removeAndReconnect(graph, ['bn']).graph)).toEqual(['input>a', 'input>b', 'a>sum', 'b>sum']);
  });

  it('does not join a block with two inputs', () => {
    const graph = loadPreset(`${journeyPath(1).replace(/journey\/round-01.json$/, '')}presets/small-resnet.json`);
    const removal = removeAndReconnect(graph, ['res1_add']);
    expect(removal.reconnected).toEqual([]);
    expect(wiring(removal.graph).some((w) => w.startsWith('res1_bn2>') || w.endsWith('>res1_relu'))).toBe(false);
  });
});
