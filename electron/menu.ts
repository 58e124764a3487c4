/**
 * The application menu. File and graph commands go to the page, which owns the document and asks
 * before losing unsaved work; clipboard and window items use Electron's built-in roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../main/api/contract.ts';

export interface MenuHandlers {
  command(command: MenuCommand): void;
  openDocumentation(): void;
  showAbout(): void;
  isMac: boolean;
}

export function menuTemplate(handlers: MenuHandlers): MenuItemConstructorOptions[] {
  const send = (command: MenuCommand) => () => handlers.command(command);
  return [
    ...(handlers.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New', accelerator: 'CmdOrCtrl+N', click: send('new') },
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: send('open') },
        { label: 'Open a preset…', accelerator: 'CmdOrCtrl+Shift+O', click: send('gallery') },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: send('save') },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: send('saveAs') },
        { type: 'separator' },
        handlers.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // Undo and redo act on the graph, not on a text field, so they are the page's commands.
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send('undo') },
        { label: 'Redo', accelerator: 'Shift+CmdOrCtrl+Z', click: send('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        { label: 'Auto-layout', accelerator: 'CmdOrCtrl+L', click: send('autoLayout') },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Zoom to fit', accelerator: 'CmdOrCtrl+0', click: send('zoomToFit') },
        { type: 'separator' },
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
