/** Actions on the document as a whole: new, open, save, export, rename. */
import { register } from './register.ts';
import { parseShortcut } from './shortcut.ts';
import type { ActionContext } from './types.ts';

const ready = ({ files }: ActionContext) => files.ready;
/** Exports write code from the analysis, so the design must be valid first. */
const exportable = (context: ActionContext) => context.files.ready && context.editor.analysis.valid;

register({
  name: 'new',
  label: 'New…',
  description: 'start from the gallery, an empty canvas or a recent file',
  group: 'file',
  shortcuts: [parseShortcut('Mod+N')],
  whileTyping: true,
  enabled: ready,
  perform: ({ files }) => files.newDesign(),
});

register({
  name: 'open',
  label: 'Open…',
  description: 'open a graph file',
  group: 'file',
  shortcuts: [parseShortcut('Mod+O')],
  whileTyping: true,
  enabled: ready,
  perform: ({ files }) => files.open(),
});

register({
  name: 'openRecent',
  label: 'Open recent',
  group: 'file',
  enabled: (context) => context.files.ready && context.files.recent.length > 0,
  perform: ({ files }, path) => files.openRecent(path),
});

register({
  name: 'save',
  label: 'Save',
  description: 'save the design to its file',
  group: 'file',
  shortcuts: [parseShortcut('Mod+S')],
  whileTyping: true,
  enabled: ready,
  perform: ({ files }) => files.save(),
});

register({
  name: 'saveAs',
  label: 'Save as…',
  description: 'save the design to a new file',
  group: 'file',
  shortcuts: [parseShortcut('Mod+Shift+S')],
  whileTyping: true,
  enabled: ready,
  perform: ({ files }) => files.saveAs(),
});

register({
  name: 'exportPytorch',
  label: 'Export as PyTorch…',
  description: 'write the design as a PyTorch nn.Module (.py)',
  group: 'file',
  enabled: exportable,
  perform: ({ files }) => files.exportAs('pytorch'),
});

register({
  name: 'exportKeras',
  label: 'Export as Keras…',
  description: 'write the design as Keras code (.py)',
  group: 'file',
  enabled: exportable,
  perform: ({ files }) => files.exportAs('keras'),
});

register({
  name: 'exportKerasJson',
  label: 'Export as Keras JSON…',
  description: 'write the design as a Keras model config (.json)',
  group: 'file',
  enabled: exportable,
  perform: ({ files }) => files.exportAs('keras-json'),
});

register({
  name: 'renameModel',
  label: 'Rename the model…',
  description: 'change the name saved in the design',
  group: 'file',
  enabled: () => true,
  perform: ({ view }) => view.renameModel(),
});
