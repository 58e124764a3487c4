/** Actions on the window: zoom, the three views, the side panels, the colour theme. */
import { register } from './register.ts';
import { parseShortcut } from './shortcut.ts';

register({
  name: 'zoomToFit',
  label: 'Zoom to fit',
  description: 'show the whole graph',
  group: 'canvas',
  shortcuts: [parseShortcut('Mod+0')],
  contexts: ['canvas'],
  enabled: ({ view }) => view.view !== 'runs',
  perform: ({ canvas }) => canvas.zoomToFit(),
});

register({
  name: 'showDesign',
  label: 'Design',
  description: 'edit the graph',
  group: 'view',
  enabled: () => true,
  checked: ({ view }) => view.view === 'design',
  perform: ({ view }) => view.show('design'),
});

register({
  name: 'showTrain',
  label: 'Train',
  description: 'train the design and watch its progress',
  group: 'view',
  enabled: ({ files }) => files.ready,
  checked: ({ view }) => view.view === 'train',
  perform: ({ view }) => view.show('train'),
});

register({
  name: 'showRuns',
  label: 'Runs',
  description: 'compare and evaluate the runs so far',
  group: 'view',
  enabled: ({ files }) => files.ready,
  checked: ({ view }) => view.view === 'runs',
  perform: ({ view }) => view.show('runs'),
});

register({
  name: 'togglePalette',
  label: 'Blocks panel',
  description: 'show or hide the palette of blocks',
  group: 'view',
  shortcuts: [parseShortcut('Mod+B')],
  enabled: ({ view }) => view.view === 'design',
  checked: ({ view }) => !view.panels.palette.collapsed,
  perform: ({ view }) => view.togglePanel('palette'),
});

register({
  name: 'toggleSidePanel',
  label: 'Side panel',
  description: 'show or hide the inspector, problems and training panel',
  group: 'view',
  shortcuts: [parseShortcut('Mod+Alt+B')],
  enabled: ({ view }) => view.view !== 'runs',
  checked: ({ view }) => !view.panels.side.collapsed,
  perform: ({ view }) => view.togglePanel('side'),
});

register({
  name: 'setTheme',
  label: 'Theme',
  description: 'follow the system, or always light or dark',
  group: 'view',
  enabled: () => true,
  checked: ({ view }, theme) => view.theme === theme,
  perform: ({ view }, theme) => view.setTheme(theme),
});
