/** Replacing the document in the editor's state, recorded for undo as the change says (history.ts). */
import type { GraphDocument } from '../../../main/graph/types.ts';
import type { EditorState } from './editor-state.ts';
import { record, type Capture } from './history.ts';

/** `state` with `graph` as its document, the old one kept for undo; the same state when nothing changed. */
export function change(state: EditorState, graph: GraphDocument, capture: Capture): EditorState {
  if (graph === state.graph) return state;
  return { ...state, graph, history: record(state.history, state.graph, capture), pendingLayout: false };
}
