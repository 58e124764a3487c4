/** The API contract over both transports: the browser mode's WebSocket and the desktop app's IPC. */
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { afterAll, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { StudioApi } from '../../main/api/contract.ts';
import { startWebServer, type WebServer } from '../../main/server/web-server.ts';
import { connectWebSocketApi } from '../../renderer/src/api/websocket-api.ts';
import { describeContract } from '../support/contract-suite.ts';
import { fakeService } from '../support/fake-service.ts';

// --- Electron IPC, with the real preload and handlers over an in-memory ipc ---
const ipc = vi.hoisted(() => ({ handlers: new Map<string, (...args: unknown[]) => unknown>(), exposed: undefined as unknown }));
vi.mock('electron', () => {
  const events = new EventEmitter();
  const contents = { id: 7, send: (channel: string, ...args: unknown[]) => events.emit(channel, {}, ...args), isDestroyed: () => false };
  const trustedEvent = { sender: contents, senderFrame: { url: 'file:///app/dist/renderer/index.html', parent: null } };
  return {
    contextBridge: { exposeInMainWorld: (_key: string, api: unknown) => (ipc.exposed = api) },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => Promise.resolve(ipc.handlers.get(channel)!(trustedEvent, ...args)),
      on: (channel: string, listener: (...a: unknown[]) => void) => events.on(channel, listener),
      removeListener: (channel: string, listener: (...a: unknown[]) => void) => events.removeListener(channel, listener),
    },
    __contents: contents,
  };
});

describeContract('Electron IPC', async () => {
  const electron = (await import('electron')) as unknown as { __contents: Parameters<typeof import('../../electron/ipc.ts').sendEvent>[0] };
  const { setupIpc, sendEvent } = await import('../../electron/ipc.ts');
  const service = fakeService();
  setupIpc({ handle: (channel, handler) => void ipc.handlers.set(channel, handler as never) }, service, () => electron.__contents);
  await import('../../electron/preload.ts');
  return {
    api: ipc.exposed as StudioApi,
    service,
    emitTrainingEvent: (runId, event) => sendEvent(electron.__contents, 'trainingEvent', runId, event),
  };
});

// --- The browser mode's WebSocket, with the real server and the renderer's client ---
const servers: WebServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describeContract('the browser-mode WebSocket', async () => {
  const service = fakeService();
  const server = await startWebServer({ host: '127.0.0.1', port: 0, token: 'secret', staticDir: tmpdir(), service, maxMessageBytes: 1 << 20 });
  servers.push(server);
  const origin = new URL(server.url).origin;
  // Node 20 has no WebSocket global; the `ws` client speaks the same API, sending the page's origin.
  globalThis.WebSocket = class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as typeof WebSocket;
  const api = await connectWebSocketApi(`${origin.replace('http', 'ws')}/api?token=secret`);
  return { api, service, emitTrainingEvent: (runId, event) => server.broadcast('trainingEvent', runId, event) };
});

