/** Actions on the graph: undo, the clipboard, delete, select, add a block, lay out. */
import { register } from './register.ts';
import { parseShortcut } from './shortcut.ts';
import type { ActionContext } from './types.ts';

const hasSelectedBlocks = ({ editor }: ActionContext) => editor.state.selectedNodes.size > 0;
const hasSelection = ({ editor }: ActionContext) => editor.state.selectedNodes.size > 0 || editor.state.selectedEdges.size > 0;
/** Graph commands act on the design, which only the Design view shows. */
const designing = ({ view }: ActionContext) => view.view === 'design';

register({
  name: 'undo',
  label: 'Undo',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+Z')],
  contexts: ['canvas'],
  enabled: ({ editor }) => editor.state.history.past.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'undo' }),
});

register({
  name: 'redo',
  label: 'Redo',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+Shift+Z'), parseShortcut('Mod+Y')],
  contexts: ['canvas'],
  enabled: ({ editor }) => editor.state.history.future.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'redo' }),
});

register({
  name: 'cut',
  label: 'Cut',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+X')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'cut' }),
});

register({
  name: 'copy',
  label: 'Copy',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+C')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'copy' }),
});

register({
  name: 'paste',
  label: 'Paste',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+V')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.clipboard !== null,
  perform: ({ editor }) => editor.dispatch({ type: 'paste' }),
});

register({
  name: 'duplicate',
  label: 'Duplicate',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+D')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelectedBlocks(context),
  perform: ({ editor }) => editor.dispatch({ type: 'duplicate' }),
});

register({
  name: 'delete',
  label: 'Delete',
  description: 'delete the selection; the blocks before and after a deleted block are joined when the shapes allow (Shift+Del leaves the gap)',
  group: 'edit',
  shortcuts: [parseShortcut('Delete'), parseShortcut('Backspace')],
  contexts: ['block', 'edge'],
  enabled: (context) => designing(context) && hasSelection(context),
  perform: ({ editor }) => editor.dispatch({ type: 'delete' }),
});

register({
  name: 'selectAll',
  label: 'Select all',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+A')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  perform: ({ editor }) => editor.dispatch({ type: 'selectAll' }),
});

register({
  name: 'addBlock',
  label: 'Add block',
  description: 'add a block after the selected one, into its chain (or into the selected connection)',
  group: 'edit',
  enabled: designing,
  perform: ({ editor }, type) => editor.dispatch({ type: 'insert', blockType: type }),
});

register({
  name: 'autoLayout',
  label: 'Auto-layout',
  description: 'lay the graph out in layers, the output last, connections around the blocks',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+L')],
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  perform: ({ canvas }) => canvas.autoLayout(),
});
