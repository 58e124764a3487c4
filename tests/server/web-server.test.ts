/** The browser mode refuses whoever should not get in, and serves the page to whoever may. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebServer, type WebServer } from '../../main/server/web-server.ts';
import { fakeService } from '../support/fake-service.ts';
import { browserService } from '../support/studio.ts';

const TOKEN = 'the-right-token';
let server: WebServer;
let origin: string;
const staticDir = mkdtempSync(join(tmpdir(), 'static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');

beforeAll(async () => {
  server = await startWebServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir, service: fakeService(), maxMessageBytes: 64 * 1024 });
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  await server.close();
});

/** Resolves with "open" or the HTTP status the upgrade was refused with. */
function tryConnect(token: string, headers: { origin?: string } = { origin: undefined }): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${token}`, { origin: headers.origin ?? origin });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    socket.on('error', () => resolve('error'));
  });
}

/** Like tryConnect, for any path and query, and with no Origin header unless one is given (as a non-browser client). */
function tryRaw(pathAndQuery: string, options: { origin?: string } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}${pathAndQuery}`, options);
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    socket.on('error', () => resolve('error'));
  });
}

describe('the browser-mode server', () => {
  it('binds to loopback and prints a URL with the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${TOKEN}$`));
  });

  it('serves the page', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>studio</title>');
  });

  it('does not serve files outside its folder', async () => {
    const response = await fetch(`${origin}/..%2F..%2F..%2Fetc%2Fpasswd`);
    expect(response.status).toBe(404);
    // A sibling folder whose name starts with the static folder's is outside it too.
    mkdirSync(`${staticDir}-old`, { recursive: true });
    writeFileSync(`${staticDir}-old/secret.txt`, 'not for the page');
    const sibling = await fetch(`${origin}/..%2F${basename(staticDir)}-old%2Fsecret.txt`);
    expect(sibling.status).toBe(404);
  });

  it('admits a WebSocket with the token from its own origin', async () => {
    expect(await tryConnect(TOKEN)).toBe('open');
  });

  it('refuses a WebSocket without the right token', async () => {
    expect(await tryConnect('wrong')).toBe('401');
    expect(await tryConnect('')).toBe('401');
  });

  it('refuses a WebSocket from another origin, even with the token', async () => {
    expect(await tryConnect(TOKEN, { origin: 'https://evil.example' })).toBe('403');
  });

  it('refuses a WebSocket with no token parameter at all, or a token that only starts right', async () => {
    expect(await tryRaw('/api', { origin })).toBe('401');
    expect(await tryRaw(`/api?token=${TOKEN}x`, { origin })).toBe('401');
    expect(await tryRaw(`/api?token=${TOKEN.slice(0, -1)}`, { origin })).toBe('401');
  });

  it('refuses a WebSocket without an Origin header (a non-browser client), even with the token', async () => {
    expect(await tryRaw(`/api?token=${TOKEN}`)).toBe('403');
  });

  it('opens WebSockets on /api only', async () => {
    expect(await tryRaw(`/other?token=${TOKEN}`, { origin })).toBe('404');
  });

  it('serves pages with nosniff and no referrer, so the token in the URL does not leak through links', async () => {
    const response = await fetch(`${origin}/?token=${TOKEN}`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('closes a connection that sends a message over the size limit', async () => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${TOKEN}`, { origin });
    await new Promise((resolve) => socket.on('open', resolve));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send('x'.repeat(100 * 1024));
    expect(await closed).toBe(1009);
  });

  it('answers a malformed request with a message instead of dropping the connection', async () => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${TOKEN}`, { origin });
    await new Promise((resolve) => socket.on('open', resolve));
    const reply = new Promise<string>((resolve) => socket.on('message', (data) => resolve(data.toString())));
    socket.send('{"call": 12');
    expect(JSON.parse(await reply)).toEqual({ id: -1, error: { message: 'malformed request: expected {"id", "call", "args"} as JSON' } });
    socket.close();
  });
});

describe('the browser-mode service', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  const service = browserService(workspace);

  it('keeps every path inside the workspace', async () => {
    await expect(service.openGraph('../../etc/passwd')).rejects.toThrow(`"../../etc/passwd" is outside the workspace ${workspace}`);
    await expect(service.saveGraph('/tmp/elsewhere.json', {} as never)).rejects.toThrow('is outside the workspace');
  });

  it('saves, lists, reopens and remembers a graph', async () => {
    const preset = await service.loadPreset('journey/round-07');
    expect((await service.saveGraph('round-7', preset)).path).toBe(join(workspace, 'round-7.json'));
    expect((await service.listFiles('graph')).map((f) => f.path)).toEqual(['round-7.json']);
    expect((await service.openGraph('round-7.json')).graph.nodes).toHaveLength(preset.nodes.length);
    expect(await service.recentFiles()).toEqual([join(workspace, 'round-7.json')]);
  });

  it('refuses to save a malformed graph, naming the field', async () => {
    await expect(service.saveGraph('bad.json', { format: 'cnn-studio/graph', version: 2, nodes: [{ id: 'x', type: 'conv9d' }], edges: [] } as never)).rejects.toThrow(
      /not saved: the graph is malformed at nodes\[0\] \("x"\)\.type: unknown block type "conv9d"/,
    );
  });

  it('lists the journey rounds (the ten of the study, and round 11) and the classics with their parameter counts', async () => {
    const presets = await service.listPresets();
    expect(presets.filter((p) => p.group === 'journey')).toHaveLength(11);
    expect(presets.find((p) => p.id === 'journey/round-11')!.trainableParams).toBe(7594);
    expect(presets.find((p) => p.id === 'journey/round-10')!.trainableParams).toBe(9896);
    expect(presets.filter((p) => p.group === 'classic').map((p) => p.id)).toEqual(['presets/inception-block', 'presets/lenet-5', 'presets/small-resnet']);
  });

  it('refuses to train a graph with problems, naming the block', async () => {
    const graph = await service.loadPreset('journey/round-10');
    const broken = { ...graph, edges: graph.edges.slice(1) };
    await expect(service.startTraining({ graph: broken, settings: {}, backend: 'wasm' })).rejects.toThrow(/^fix the graph first: conv1: nothing is connected/);
  });
});
