/** A context for running actions in tests: the real editor state machine, and file/canvas/view commands that record their calls. */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { ActionContext, Panel, ThemePreference, View } from '../../renderer/src/actions/types.ts';
import { applyCommand, initialState, isDirty, type EditorCommand, type EditorState } from '../../renderer/src/editor/editor-state.ts';

export function testContext(options: { ready?: boolean; modalOpen?: boolean; view?: View } = {}) {
  const calls: string[] = [];
  let state: EditorState = initialState();
  const record = (name: string) => (...args: unknown[]) => {
    calls.push(args.length > 0 ? `${name}(${args.map(String).join(', ')})` : name);
    return Promise.resolve();
  };
  const panels: Record<Panel, { collapsed: boolean }> = { palette: { collapsed: false }, side: { collapsed: false } };
  let theme: ThemePreference = 'system';
  let view: View = options.view ?? 'design';
  const context: ActionContext = {
    editor: {
      get state() {
        return state;
      },
      get analysis() {
        return analyzeGraph(state.graph);
      },
      get dirty() {
        return isDirty(state);
      },
      dispatch(command: EditorCommand) {
        state = applyCommand(state, command);
      },
    },
    files: {
      ready: options.ready ?? true,
      recent: ['/work/a.json'],
      newDesign: record('newDesign') as () => void,
      open: record('open'),
      openRecent: record('openRecent'),
      save: record('save'),
      saveAs: record('saveAs'),
      exportAs: record('exportAs'),
    },
    canvas: {
      zoomToFit: record('zoomToFit') as () => void,
      autoLayout: record('autoLayout'),
      openQuickAdd: record('openQuickAdd') as () => void,
      renameSelected: record('renameSelected') as () => void,
      toggleMinimap: record('toggleMinimap') as () => void,
      minimapShown: true,
    },
    view: {
      get view() {
        return view;
      },
      get theme() {
        return theme;
      },
      panels,
      modalOpen: options.modalOpen ?? false,
      show: (next: View) => void (view = next),
      togglePanel: (panel: Panel) => void (panels[panel] = { collapsed: !panels[panel].collapsed }),
      setTheme: (next: ThemePreference) => void (theme = next),
      renameModel: record('renameModel') as () => void,
    },
  };
  return { context, calls, getState: () => state };
}
