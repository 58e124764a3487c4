/** The editor's state for the Svelte components: one immutable state, replaced by each command. */
import { analyzeGraph } from '../../../main/analysis/analyze.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import { applyCommand, initialState, isDirty, type EditorCommand, type EditorState } from './editor-state.ts';

export class EditorStore {
  state: EditorState = $state.raw(initialState());
  /** Reruns on every edit; the counters on the canvas and in the header come from here. */
  analysis = $derived(analyzeGraph(this.state.graph));
  dirty = $derived(isDirty(this.state));

  dispatch = (command: EditorCommand): void => {
    this.state = applyCommand(this.state, command);
  };

  open(graph: GraphDocument, path: string | null): void {
    this.dispatch({ type: 'open', graph, path });
  }
}
