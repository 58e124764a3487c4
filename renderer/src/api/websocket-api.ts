/**
 * The API contract over the browser mode's WebSocket: each call becomes a request with an id, its
 * Promise settles with the matching response, and pushed events reach the `on…` listeners.
 *
 * The server can go away (stopped, killed, crashed) while the page stays open. The socket's close
 * tells at once (the operating system closes the connection of a dead process), so the page hears
 * `lost` within moments; calls made meanwhile fail with a message that says so, and the page tries
 * again every RETRY_MS until a server answers at the same address, then hears `connected`. The
 * server keeps its token between starts (main/server/web-token.ts), so the address stays valid.
 */
import { CALL_NAMES, type ConnectionState, type StudioApi, type StudioCalls } from '../../../main/api/contract.ts';
import type { TrainingEvent } from '../../../main/train/events.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Between reconnection attempts; each costs one refused TCP connection on loopback. */
export const RETRY_MS = 500;

export const CONNECTION_LOST = 'the connection to the studio server was lost; it is reconnecting (start npm run web again if it stopped)';

export function connectWebSocketApi(url: string): Promise<StudioApi> {
  const pending = new Map<number, Pending>();
  const trainingListeners = new Set<(runId: string, event: TrainingEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket;
  let connected = false;
  let nextId = 1;

  const onMessage = (message: MessageEvent) => {
    const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: { message: string }; event?: string; args?: unknown[] };
    if (data.event === 'trainingEvent' && data.args) {
      const [runId, event] = data.args as [string, TrainingEvent];
      for (const listener of trainingListeners) listener(runId, event);
      return;
    }
    const waiting = data.id === undefined ? undefined : pending.get(data.id);
    if (!waiting) return;
    pending.delete(data.id!);
    if (data.error) waiting.reject(new Error(data.error.message));
    else waiting.resolve(data.result);
  };

  const call = (name: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (!connected || socket.readyState !== WebSocket.OPEN) return reject(new Error(CONNECTION_LOST));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, call: name, args }));
    });

  const calls = Object.fromEntries(CALL_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as StudioCalls;
  const api: StudioApi = {
    ...calls,
    onTrainingEvent(listener) {
      trainingListeners.add(listener);
      return () => trainingListeners.delete(listener);
    },
    // The browser has no application menu.
    onMenuCommand: () => () => {},
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };

  return new Promise((resolveFirst, rejectFirst) => {
    let everConnected = false;
    const open = () => {
      socket = new WebSocket(url);
      socket.addEventListener('message', onMessage);
      socket.addEventListener('open', () => {
        connected = true;
        if (!everConnected) {
          everConnected = true;
          resolveFirst(api);
        } else {
          for (const listener of connectionListeners) listener('connected');
        }
      });
      socket.addEventListener('close', () => {
        for (const waiting of pending.values()) waiting.reject(new Error(CONNECTION_LOST));
        pending.clear();
        if (!everConnected) {
          // Never reached at all: a wrong address or token, or no server; nothing to come back to.
          rejectFirst(new Error('cannot reach the studio server; is npm run web still running, and is the token in the address right?'));
          return;
        }
        if (connected) {
          connected = false;
          for (const listener of connectionListeners) listener('lost');
        }
        setTimeout(open, RETRY_MS);
      });
    };
    open();
  });
}
