/**
 * The application menu. Every studio item sends its command to the page, where the registry of
 * actions (renderer/src/actions) runs it as a toolbar button or a shortcut would; labels and
 * accelerators are the registry's (a test compares them). Window items use Electron's roles.
 *
 * Editing items (undo, the clipboard, select all, delete) also serve text fields. The page takes
 * the keys of its own shortcuts (their default prevented) except in a text field, so a key that
 * reaches an accelerator here was left to a field: the menu then runs Electron's edit command on
 * the page, which acts on the focused field as a role item would. Chosen with the mouse, the item
 * goes to the page, which looks at the focus and edits the field or the graph.
 */
import type { KeyboardEvent, MenuItemConstructorOptions } from 'electron';
import { TEXT_EDIT_COMMANDS, type MenuCommand, type TextEditCommand } from '../main/api/contract.ts';

export interface MenuHandlers {
  /** Sends a command to the page. */
  command(command: MenuCommand): void;
  /** Runs Electron's own edit command (webContents.undo(), .copy() …) on the page. */
  editText(command: TextEditCommand): void;
  openDocumentation(): void;
  showAbout(): void;
  isMac: boolean;
}

const isTextEdit = (command: MenuCommand): command is TextEditCommand => (TEXT_EDIT_COMMANDS as readonly string[]).includes(command);

export function menuTemplate(handlers: MenuHandlers): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: (_item, _window, event: KeyboardEvent) => {
      if (event.triggeredByAccelerator && isTextEdit(command)) handlers.editText(command);
      else handlers.command(command);
    },
  });
  return [
    ...(handlers.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        item('New…', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save as…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Export as PyTorch…', 'exportPytorch'),
        item('Export as Keras…', 'exportKeras'),
        item('Export as Keras JSON…', 'exportKerasJson'),
        { type: 'separator' },
        handlers.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        item('Cut', 'cut', 'CmdOrCtrl+X'),
        item('Copy', 'copy', 'CmdOrCtrl+C'),
        item('Paste', 'paste', 'CmdOrCtrl+V'),
        item('Duplicate', 'duplicate', 'CmdOrCtrl+D'),
        item('Delete', 'delete', 'Delete'),
        item('Delete without reconnecting', 'deleteOnly', 'Shift+Delete'),
        item('Select all', 'selectAll', 'CmdOrCtrl+A'),
        { type: 'separator' },
        item('Add block…', 'quickAdd', 'CmdOrCtrl+K'),
        item('Rename', 'renameBlock', 'F2'),
        item('Group', 'group', 'CmdOrCtrl+G'),
        item('Ungroup', 'ungroup', 'CmdOrCtrl+Shift+G'),
        { type: 'separator' },
        item('Auto-layout', 'autoLayout', 'CmdOrCtrl+L'),
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Design', 'showDesign'),
        item('Train', 'showTrain'),
        item('Runs', 'showRuns'),
        { type: 'separator' },
        item('Blocks panel', 'togglePalette', 'CmdOrCtrl+B'),
        item('Side panel', 'toggleSidePanel', 'CmdOrCtrl+Alt+B'),
        item('Minimap', 'toggleMinimap', 'CmdOrCtrl+Shift+M'),
        { type: 'separator' },
        item('Zoom to fit', 'zoomToFit', 'CmdOrCtrl+0'),
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+Shift+0' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Graph format reference', click: handlers.openDocumentation },
        { label: 'About CNN Studio', click: handlers.showAbout },
      ],
    },
  ];
}
