/**
 * Actions of the canvas: delete without reconnecting, quick add, rename in place, groups, the
 * layout's direction and compact view, the minimap. Delete (edit-actions.ts) joins the blocks
 * around a deleted one, as Blender's "Delete with Reconnect"; Shift+Delete is the plain delete,
 * the gap left as it is.
 */
import { groupingProblem } from '../editor/group-edits.ts';
import { register } from './register.ts';
import { parseShortcut } from './shortcut.ts';
import type { ActionContext } from './types.ts';

const designing = ({ view }: ActionContext) => view.view === 'design';
const hasSelection = ({ editor }: ActionContext) => editor.state.selectedNodes.size > 0 || editor.state.selectedEdges.size > 0;
/** The group whose blocks are all selected, or that holds the one selected block. */
function selectedGroup({ editor }: ActionContext) {
  const { graph, selectedNodes } = editor.state;
  return graph.groups?.find((group) => [...selectedNodes].every((id) => group.nodes.includes(id)) && selectedNodes.size > 0);
}

register({
  name: 'deleteOnly',
  label: 'Delete without reconnecting',
  description: 'delete the selection and leave the gap',
  group: 'edit',
  shortcuts: [parseShortcut('Shift+Delete'), parseShortcut('Shift+Backspace')],
  contexts: ['block'],
  enabled: (context) => designing(context) && hasSelection(context),
  perform: ({ editor }) => editor.dispatch({ type: 'deleteOnly' }),
});

register({
  name: 'quickAdd',
  label: 'Add block…',
  description: 'search for a block and add it at the pointer, or after the selected block (also: double-click the canvas)',
  group: 'canvas',
  shortcuts: [parseShortcut('Mod+K')],
  contexts: ['canvas'],
  enabled: designing,
  perform: ({ canvas }) => canvas.openQuickAdd(),
});

register({
  name: 'renameBlock',
  label: 'Rename',
  description: 'rename the selected block on its card (also: double-click it)',
  group: 'edit',
  shortcuts: [parseShortcut('F2')],
  contexts: ['block'],
  enabled: (context) => designing(context) && context.editor.state.selectedNodes.size === 1,
  perform: ({ canvas }) => canvas.renameSelected(),
});

register({
  name: 'group',
  label: 'Group',
  description: 'draw the selected blocks as one card',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+G')],
  contexts: ['block'],
  enabled: (context) => designing(context) && context.editor.state.selectedNodes.size > 0 && groupingProblem(context.editor.state.graph, [...context.editor.state.selectedNodes]) === null,
  perform: ({ editor }) => editor.dispatch({ type: 'group' }),
});

register({
  name: 'ungroup',
  label: 'Ungroup',
  description: 'dissolve the selected group; its blocks stay',
  group: 'edit',
  shortcuts: [parseShortcut('Mod+Shift+G')],
  contexts: ['block'],
  enabled: (context) => designing(context) && selectedGroup(context) !== undefined,
  perform: (context) => {
    const group = selectedGroup(context);
    if (group) context.editor.dispatch({ type: 'ungroup', group: group.id });
  },
});

register({
  name: 'toggleGroup',
  label: 'Collapse or expand group',
  description: 'draw the selected group as one card, or its blocks in place',
  group: 'edit',
  contexts: ['block'],
  enabled: (context) => designing(context) && selectedGroup(context) !== undefined,
  perform: (context) => {
    const group = selectedGroup(context);
    if (group) context.editor.dispatch({ type: 'setGroupCollapsed', group: group.id, collapsed: !group.collapsed });
  },
});

register({
  name: 'layoutDown',
  label: 'Lay out top to bottom',
  group: 'canvas',
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  checked: ({ editor }) => (editor.state.graph.layout?.direction ?? 'down') === 'down',
  perform: ({ canvas }) => canvas.autoLayout({ direction: 'down' }),
});

register({
  name: 'layoutRight',
  label: 'Lay out left to right',
  group: 'canvas',
  contexts: ['canvas'],
  enabled: (context) => designing(context) && context.editor.state.graph.nodes.length > 0,
  checked: ({ editor }) => editor.state.graph.layout?.direction === 'right',
  perform: ({ canvas }) => canvas.autoLayout({ direction: 'right' }),
});

register({
  name: 'toggleCompact',
  label: 'Compact view',
  description: 'fold BatchNorm, activation and Dropout after each convolution into one conv unit card',
  group: 'canvas',
  contexts: ['canvas'],
  enabled: designing,
  checked: ({ editor }) => editor.state.graph.layout?.compact === true,
  perform: ({ canvas, editor }) => canvas.autoLayout({ compact: !(editor.state.graph.layout?.compact ?? false) }),
});

register({
  name: 'toggleMinimap',
  label: 'Minimap',
  description: 'show or hide the overview map of the canvas',
  group: 'view',
  shortcuts: [parseShortcut('Mod+Shift+M')],
  enabled: designing,
  checked: ({ canvas }) => canvas.minimapShown,
  perform: ({ canvas }) => canvas.toggleMinimap(),
});
