/** Actions on the graph: undo, the clipboard, delete, select, add a block, lay out. */
import { register } from './register.ts';
import { parseShortcut } from './shortcut.ts';
import type { ActionContext } from './types.ts';

const hasSelectedBlocks = ({ editor }: ActionContext) => editor.state.selectedNodes.size > 0;
const hasSelection = ({ editor }: ActionContext) => editor.state.selectedNodes.size > 0 || editor.state.selectedEdges.size > 0;
/** Graph commands act on the design, which only the Design view shows. */
const designing = ({ view }: ActionContext) => view.view === 'design';

export const actionUndo = register({
  name: 'undo',
  label: 'Undo',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+Z')],
  contexts: ['canvas'],
  enabled: ({ editor }) => editor.state.history.past.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'undo' }),
});

export const actionRedo = register({
  name: 'redo',
  label: 'Redo',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+Shift+Z'), parseShortcut('Mod+Y')],
  contexts: ['canvas'],
  enabled: ({ editor }) => editor.state.history.future.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'redo' }),
});

export const actionCut = register({
  name: 'cut',
  label: 'Cut',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+X')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'cut' }),
});

export const actionCopy = register({
  name: 'copy',
  label: 'Copy',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+C')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'copy' }),
});

export const actionPaste = register({
  name: 'paste',
  label: 'Paste',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+V')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.clipboard !== null,
  perform: ({ editor }) => editor.dispatch({ type: 'paste' }),
});

export const actionDuplicate = register({
  name: 'duplicate',
  label: 'Duplicate',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+D')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'duplicate' }),
});

export const actionDelete = register({
  name: 'delete',
  label: 'Delete',
  group: 'edit',
  shortcuts: [parseShortcut('Delete'), parseShortcut('Backspace')],
  contexts: ['block', 'edge'],
  enabled: (context) => designing(context) && hasSelection(context),
  perform: ({ editor }) => editor.dispatch({ type: 'delete' }),
});

export const actionSelectAll = register({
  name: 'selectAll',
  label: 'Select all',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+A')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'selectAll' }),
});

/** How far below the selected block a new one goes, in canvas units. */
const ROW = 110;

export const actionAddBlock = register({
  name: 'addBlock',
  label: 'Add block',
  description: 'add a block below the selected one and connect it',
  group: 'edit',
  enabled: designing,
  perform: ({ editor }, type) => {
    const selected = [...editor.state.selectedNodes];
    const from = selected.length === 1 ? editor.state.graph.nodes.find((n) => n.id === selected[0]) : undefined;
    const position = from?.position ? { x: from.position.x, y: from.position.y + ROW } : { x: 0, y: editor.state.graph.nodes.length * ROW };
    editor.dispatch({ type: 'add', blockType: type, position });
    const added = [...editor.state.selectedNodes][0];
    if (from && added && type !== 'input') editor.dispatch({ type: 'connect', source: from.id, target: added });
  },
});

export const actionAutoLayout = register({
  name: 'autoLayout',
  label: 'Auto-layout',
  description: 'lay the graph out from top to bottom',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+L')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'autoLayout' }),
});
