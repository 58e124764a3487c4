/**
 * The preload: exposes the API contract to the page as `window.cnnStudio` and nothing else, never
 * `ipcRenderer` itself. Runs sandboxed, so it is bundled into one CommonJS file that needs only
 * `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, type MenuCommand, type StudioApi, type StudioCalls } from '../main/api/contract.ts';
import type { TrainingEvent } from '../main/train/events.ts';
import { CALL_CHANNEL, eventChannel, type CallReply } from './channels.ts';

async function call(name: string, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(CALL_CHANNEL, name, args)) as CallReply;
  if (!reply.ok) throw new Error(reply.message);
  return reply.result;
}

function subscribe<A extends unknown[]>(channel: string, listener: (...args: A) => void): () => void {
  const handler = (_event: IpcRendererEvent, ...args: unknown[]) => listener(...(args as A));
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
}

export function buildBridge(): StudioApi {
  const calls = Object.fromEntries(CALL_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as StudioCalls;
  return {
    ...calls,
    onTrainingEvent: (listener) => subscribe<[string, TrainingEvent]>(eventChannel('trainingEvent'), listener),
    onMenuCommand: (listener) => subscribe<[MenuCommand]>(eventChannel('menuCommand'), listener),
    // The engine runs in the app's own main process: if it goes, the window goes with it.
    onConnection: () => () => {},
  };
}

contextBridge.exposeInMainWorld('cnnStudio', buildBridge());
