/**
 * Random frames through the real browser-mode WebSocket server and a real studio service: garbage
 * text, binary, JSON of the wrong shape, huge or odd ids, well-formed requests with random calls.
 * Each gets an error response or a clean close, and the server answers a valid call afterwards;
 * a message over the 8 MiB limit closes its connection and nothing else.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer, UNANSWERED, type WebServer } from '../../main/server/web-server.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { expectCleanMessage } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { studioCall } from './support/ipc-calls.ts';
import { nastyNumber, nastyString } from './support/json-mutations.ts';
import { anyValue } from './support/random-values.ts';

const TOKEN = 'fuzz-token';
/** Far beyond any answer's time on a busy machine; only a dropped request waits this long. */
const NO_ANSWER_MS = 10_000;
const root = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-ws-'));
const folders = { workspace: join(root, 'workspace'), runs: join(root, 'runs'), state: join(root, 'state'), static: join(root, 'static') };
for (const folder of Object.values(folders)) mkdirSync(folder);
writeFileSync(join(folders.static, 'index.html'), '<!doctype html><title>studio</title>');

const { service } = serviceWithoutTraining(folders);

let server: WebServer;
let origin: string;
beforeAll(async () => {
  server = await startWebServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir: folders.static, service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  service.dispose();
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** A connection that hands out replies and the close, one at a time. */
class Client {
  readonly socket: WebSocket;
  private readonly inbox: string[] = [];
  private waiting: ((value: string | { closed: number }) => void) | undefined;
  closed: number | undefined;

  private constructor() {
    this.socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${TOKEN}`, { origin });
    this.socket.on('message', (data) => this.deliver(data.toString()));
    this.socket.on('close', (code) => {
      this.closed = code;
      this.deliver({ closed: code });
    });
    this.socket.on('error', () => {});
  }

  static async open(): Promise<Client> {
    const client = new Client();
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    return client;
  }

  private deliver(item: string | { closed: number }): void {
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(item);
    } else if (typeof item === 'string') this.inbox.push(item);
  }

  /**
   * The next reply, or the close code when the server closed the connection instead. Silence is
   * a failure: a server that neither answers nor closes has dropped the request (or crashed).
   */
  next(): Promise<string | { closed: number }> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed !== undefined) return Promise.resolve({ closed: this.closed });
    return new Promise((resolve, reject) => {
      const silence = setTimeout(() => reject(new Error(`no answer and no close within ${NO_ANSWER_MS / 1000} s`)), NO_ANSWER_MS);
      this.waiting = (item) => {
        clearTimeout(silence);
        resolve(item);
      };
    });
  }
}

const jsonText = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
};

/** A frame: text of any sort, or bytes. */
const frame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('', '{}', '[]', 'null', '{"id":1}', '{"id":1,"call":"hostInfo"}', '{"id":1,"call":"hostInfo","args":{}}', '{"call":{"length":{"toString":0}},"id":1,"args":[]}'),
  fc.record({ id: fc.oneof(nastyNumber, nastyString, anyValue), call: fc.oneof(fc.constantFrom('hostInfo', 'openGraph', 'dispose', '__proto__'), nastyString, anyValue), args: fc.oneof(fc.array(anyValue, { maxLength: 10 }), anyValue) }, { requiredKeys: [] }).map((value) => jsonText(value) ?? '{}'),
  fc.tuple(fc.nat(), studioCall(join(root, 'outside'))).map(([id, [call, args]]) => jsonText({ id, call, args }) ?? '{}'),
);

function expectAnswer(reply: string | { closed: number }): void {
  if (typeof reply !== 'string') {
    // A clean close: a protocol violation (1002), an invalid UTF-8 text frame (1007) or too big (1009).
    expect([1002, 1007, 1009]).toContain(reply.closed);
    return;
  }
  const message = JSON.parse(reply) as { id: unknown; result?: unknown; error?: { message: unknown } };
  expect(typeof message.id).toBe('number');
  // A call that returns nothing answers `{"id": n}`: JSON leaves out an undefined result.
  if ('error' in message) {
    expectCleanMessage(message.error!.message);
    expect(message.error!.message, 'the server failed inside, not the call').not.toBe(UNANSWERED);
  } else expect(Object.keys(message).filter((key) => key !== 'result')).toEqual(['id']);
}

describe('the WebSocket server against random frames', () => {
  it('answers each with an error or closes cleanly, and keeps answering', async () => {
    let client = await Client.open();
    await fc.assert(
      fc.asyncProperty(frame, async (data) => {
        if (client.closed !== undefined) client = await Client.open();
        client.socket.send(data);
        expectAnswer(await client.next());
      }),
      fuzzOptions(300),
    );
    if (client.closed !== undefined) client = await Client.open();
    client.socket.send(JSON.stringify({ id: 7, call: 'hostInfo', args: [] }));
    expect(JSON.parse((await client.next()) as string)).toEqual({ id: 7, result: { kind: 'browser', workspace: folders.workspace, cores: availableParallelism() } });
    client.socket.close();
  });

  it('closes a connection that sends more than 8 MiB, and answers on a new one', async () => {
    const big = await Client.open();
    big.socket.send(JSON.stringify({ id: 1, call: 'saveGraph', args: ['big.json', { description: 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES) }] }));
    expect(await big.next()).toEqual({ closed: 1009 });
    const client = await Client.open();
    client.socket.send(JSON.stringify({ id: 2, call: 'hostInfo', args: [] }));
    expect(JSON.parse((await client.next()) as string)).toMatchObject({ id: 2, result: { kind: 'browser' } });
    client.socket.close();
  });
});
