/**
 * The main process' side of the API contract: one handler for every call, which checks the sender
 * and the arguments before the engine sees anything.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { StudioCalls } from '../main/api/contract.ts';
import { dispatchCall } from '../main/server/dispatch.ts';
import { CALL_CHANNEL, eventChannel, type CallReply } from './channels.ts';

/** Only the app's own page, loaded from its own files, may call. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, appWebContents: () => WebContents | null): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const contents = appWebContents();
  if (!contents || event.sender.id !== contents.id) return false;
  return frame.url.startsWith('file://');
}

export function setupIpc(ipcMain: Pick<IpcMain, 'handle'>, service: StudioCalls, appWebContents: () => WebContents | null): void {
  ipcMain.handle(CALL_CHANNEL, async (event, name: unknown, args: unknown): Promise<CallReply> => {
    if (!isTrustedSender(event, appWebContents)) return { ok: false, message: 'refused: the call did not come from the studio window' };
    if (typeof name !== 'string') return { ok: false, message: 'refused: the call has no name' };
    return dispatchCall(service, name, args);
  });
}

/** Sends an engine event to the window, if it is still there. */
export function sendEvent(contents: WebContents | null, name: string, ...args: unknown[]): void {
  if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), ...args);
}
