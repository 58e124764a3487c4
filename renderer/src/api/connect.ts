/** The API for this page: the desktop app's preload bridge when present, the browser mode's WebSocket otherwise. */
import type { StudioApi } from '../../../main/api/contract.ts';
import { connectWebSocketApi } from './websocket-api.ts';

declare global {
  interface Window {
    /** Exposed by the desktop app's preload script. */
    cnnStudio?: StudioApi;
  }
}

export async function connectApi(): Promise<StudioApi> {
  if (window.cnnStudio) return window.cnnStudio;
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('this address has no token; open the address that npm run web printed');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return connectWebSocketApi(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`);
}
