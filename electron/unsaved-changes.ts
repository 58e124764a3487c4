/**
 * Closing the window with unsaved changes. The page marks them with a `beforeunload` handler;
 * Electron does not ask the user then, it silently keeps the window open. So the main process
 * asks: discarding lets the window close and removes the recovery file (the user chose to lose
 * those changes), keeping them leaves the window open.
 */
import type { BrowserWindow, Dialog, Event } from 'electron';

export const DISCARD = 0;

export function confirmCloseWithUnsavedChanges(window: BrowserWindow, dialog: Pick<Dialog, 'showMessageBoxSync'>, onDiscard: () => void): void {
  window.webContents.on('will-prevent-unload', (event: Event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Discard changes', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      message: 'The design has unsaved changes.',
      detail: 'Discard them and close, or keep editing and save them first.',
    });
    if (choice !== DISCARD) return;
    onDiscard();
    // Preventing the event overrides the page's beforeunload, so the window closes.
    event.preventDefault();
  });
}
