/**
 * The API contract over the browser mode's WebSocket: each call becomes a request with an id, its
 * Promise settles with the matching response, and pushed events reach the `on…` listeners.
 */
import { CALL_NAMES, type StudioApi, type StudioCalls } from '../../../main/api/contract.ts';
import type { TrainingEvent } from '../../../main/train/events.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export function connectWebSocketApi(url: string): Promise<StudioApi> {
  const socket = new WebSocket(url);
  const pending = new Map<number, Pending>();
  const trainingListeners = new Set<(runId: string, event: TrainingEvent) => void>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
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
  });
  socket.addEventListener('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('the connection to the studio server was lost; restart npm run web and reload'));
    pending.clear();
  });

  const call = (name: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) return reject(new Error('not connected to the studio server'));
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
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(api), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot reach the studio server; is npm run web still running, and is the token in the address right?')), { once: true });
  });
}
