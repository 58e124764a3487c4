/**
 * Commands from the desktop app's menu (electron/menu.ts). They run through the registry of
 * actions like any button; an editing command while a text field has the focus edits the field
 * (its own undo, cut, copy, paste, select all), never the graph.
 */
import type { MenuCommand, StudioApi } from '../../../main/api/contract.ts';
import type { ActionManager } from '../actions/index.ts';

export function bindDesktopMenu(api: Pick<StudioApi, 'onMenuCommand'>, actions: ActionManager, report: (message: string) => void): () => void {
  return api.onMenuCommand((command: MenuCommand) => {
    const route = actions.routeMenuCommand(command, document.activeElement);
    if (route.kind === 'action') {
      actions.perform(route.name);
      return;
    }
    // What Electron's edit roles do; the clipboard ones may be refused without a key press.
    if (!document.execCommand(route.command)) report(`The text field did not ${route.command === 'selectAll' ? 'select all' : route.command}: use the keyboard shortcut in the field.`);
  });
}
