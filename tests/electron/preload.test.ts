/**
 * The preload gives the page one object, `window.cnnStudio`, and no Electron API: with Electron
 * mocked, what it exposes is checked member by member, and what crosses into the page with an
 * event is checked to be the event's arguments only, never the IpcRendererEvent (and its sender).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { StudioApi } from '../../main/api/contract.ts';
import { CALL_NAMES } from '../../main/api/contract.ts';
import { CALL_CHANNEL, eventChannel } from '../../electron/channels.ts';

type Listener = (...args: unknown[]) => void;
const electron = vi.hoisted(() => ({
  exposed: [] as [string, unknown][],
  invoked: [] as unknown[][],
  reply: { ok: true, result: 'done' } as { ok: boolean; result?: unknown; message?: string },
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push([key, api]) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      electron.invoked.push(args);
      return Promise.resolve(electron.reply);
    },
    on: (channel: string, listener: Listener) => {
      if (!electron.listeners.has(channel)) electron.listeners.set(channel, new Set());
      electron.listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: Listener) => electron.listeners.get(channel)?.delete(listener),
  },
}));

let api: StudioApi;
beforeAll(async () => {
  await import('../../electron/preload.ts');
  api = electron.exposed[0]![1] as StudioApi;
});

/** What Electron would deliver: an event object carrying the sender, then the arguments. */
function emit(channel: string, ...args: unknown[]): void {
  const event = { sender: { send: () => {} }, senderId: 0, ports: [] };
  for (const listener of electron.listeners.get(channel) ?? []) listener(event, ...args);
}

describe('the preload', () => {
  it('exposes exactly one object to the page, as window.cnnStudio', () => {
    expect(electron.exposed.map(([key]) => key)).toEqual(['cnnStudio']);
  });

  it("exposes the contract's calls and two subscriptions, all functions, and nothing else", () => {
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'onConnection', 'onMenuCommand', 'onTrainingEvent'].sort());
    expect(Object.values(api).every((member) => typeof member === 'function')).toBe(true);
  });

  it('sends every call over the one call channel, with its name and arguments', async () => {
    electron.invoked.length = 0;
    electron.reply = { ok: true, result: 'done' };
    expect(await api.openGraph('round.json')).toBe('done');
    expect(electron.invoked).toEqual([[CALL_CHANNEL, 'openGraph', ['round.json']]]);
  });

  it("turns a refusal into an error with the main process's message", async () => {
    electron.reply = { ok: false, message: 'refused: the call did not come from the studio window' };
    await expect(api.listRuns()).rejects.toThrow('refused: the call did not come from the studio window');
  });

  it("hands listeners the event's arguments, never Electron's event object, until they unsubscribe", () => {
    const seen: unknown[][] = [];
    const stop = api.onMenuCommand((...args: unknown[]) => seen.push(args));
    emit(eventChannel('menuCommand'), 'save');
    stop();
    emit(eventChannel('menuCommand'), 'open');
    expect(seen).toEqual([['save']]);
    expect(electron.listeners.get(eventChannel('menuCommand'))?.size).toBe(0);
  });
});
