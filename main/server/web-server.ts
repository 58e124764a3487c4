/**
 * The browser mode's server: the built renderer over HTTP and the API contract over a WebSocket.
 * It binds to loopback unless told otherwise, admits a WebSocket only with the token printed at
 * start and from its own origin, and refuses messages over a size limit.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StudioCalls } from '../api/contract.ts';
import { isInside, isReallyInside } from '../api/path-policy.ts';
import { describeError } from '../errors.ts';
import { readRegularFile } from '../files/regular-file.ts';
import { dispatchCall } from './dispatch.ts';
import { requestSchema, type RpcMessage } from './rpc.ts';

export interface WebServerOptions {
  host: string;
  port: number;
  token: string;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  service: StudioCalls;
  /** Largest WebSocket message accepted, bytes. */
  maxMessageBytes: number;
}

export interface WebServer {
  url: string;
  /** Sends an event to every connected page. */
  broadcast(event: string, ...args: unknown[]): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** The reply to a request that failed inside the server rather than in the call. */
export const UNANSWERED = 'the server could not answer this request';

/** By file extension, which comes from the request: a Map, so no inherited name can match. */
const CONTENT_TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.json', 'application/json'],
  ['.woff2', 'font/woff2'],
]);

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const server: Server = createServer((request, response) => {
    // A request the server cannot answer must never become an unhandled rejection: that ends the process.
    const served = serveStatic(options.staticDir, request.url ?? '/').catch(() => ({ status: 500, type: 'text/plain', body: 'server error' }));
    void served.then(({ status, type, body }) => {
      response.writeHead(status, {
        'content-type': type,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      response.end(body);
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(request, options, origins());
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // An oversized or malformed frame closes this connection (1009 / 1002); the server carries on.
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        // A bug in answering one message must not become an unhandled rejection, which ends the
        // process and every page's connection with it; it is reported, and the page told.
        answer(ws, options.service, data.toString(), isBinary).catch((error: unknown) => {
          process.stderr.write(`error: a WebSocket request could not be answered: ${describeError(error)}\n`);
          ws.send(JSON.stringify({ id: -1, error: { message: UNANSWERED } } satisfies RpcMessage));
        });
      });
    });
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const base = `http://${hostForUrl}:${port}`;
  function origins(): Set<string> {
    return new Set([base, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  }

  return {
    url: `${base}/?token=${encodeURIComponent(options.token)}`,
    broadcast(event, ...args) {
      const message = JSON.stringify({ event, args } satisfies RpcMessage);
      for (const ws of sockets) ws.send(message);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Null when the WebSocket may open; otherwise the HTTP status line to refuse it with. */
function checkUpgrade(request: IncomingMessage, options: WebServerOptions, allowedOrigins: Set<string>): string | null {
  const url = requestUrl(request.url);
  if (!url) return '400 Bad Request';
  if (url.pathname !== '/api') return '404 Not Found';
  if (!sameSecret(url.searchParams.get('token') ?? '', options.token)) return '401 Unauthorized';
  if (!allowedOrigins.has(request.headers.origin ?? '')) return '403 Forbidden';
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function answer(ws: WebSocket, service: StudioCalls, text: string, isBinary: boolean): Promise<void> {
  let parsed: unknown;
  try {
    parsed = isBinary ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const request = requestSchema.safeParse(parsed);
  if (!request.success) {
    ws.send(JSON.stringify({ id: -1, error: { message: 'malformed request: expected {"id", "call", "args"} as JSON' } } satisfies RpcMessage));
    return;
  }
  const { id, call, args } = request.data;
  const outcome = await dispatchCall(service, call, args);
  ws.send(JSON.stringify((outcome.ok ? { id, result: outcome.result } : { id, error: { message: outcome.message } }) satisfies RpcMessage));
}

/**
 * The request target as a URL; null for targets no browser sends but anyone can (`//`, `%E0%A4%A`),
 * which would otherwise throw inside an event handler and take the server down.
 */
function requestUrl(raw: string | undefined): URL | null {
  try {
    const url = new URL(raw ?? '/', 'http://server');
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return null;
  }
}

async function serveStatic(root: string, rawUrl: string): Promise<{ status: number; type: string; body: Buffer | string }> {
  const url = requestUrl(rawUrl);
  if (!url) return { status: 400, type: 'text/plain', body: 'bad request' };
  const pathname = decodeURIComponent(url.pathname);
  const relativePath = pathname === '/' ? 'index.html' : pathname.slice(1);
  const full = resolve(root, normalize(relativePath));
  // isInside, not a prefix test: "../renderer-old/x" starts with the root's name but is beside it;
  // and on real paths too, so a link in the folder cannot serve what lies outside it.
  if (!isInside(root, full) || !(await isReallyInside(root, full).catch(() => false))) return { status: 404, type: 'text/plain', body: 'not found' };
  try {
    // Regular files only: a FIFO would hold the request, and a file-system thread, for ever.
    return { status: 200, type: CONTENT_TYPES.get(extname(full)) ?? 'application/octet-stream', body: await readRegularFile(full) };
  } catch {
    if (!extname(full)) {
      try {
        return { status: 200, type: CONTENT_TYPES.get('.html')!, body: await readRegularFile(join(root, 'index.html')) };
      } catch {
        // fall through to 404
      }
    }
    return { status: 404, type: 'text/plain', body: `not found: ${pathname}` };
  }
}
