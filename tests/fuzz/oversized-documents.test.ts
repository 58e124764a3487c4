/**
 * Documents past the loader's limits — ten thousand blocks or connections, a setting of a
 * billion, ids and text too long — refused on load with a message naming the limit, and refused
 * the same way when they come through the API (saveGraph, startTraining, exportDesign,
 * saveRecovery) and over the WebSocket. How fast is a benchmark's business, not this test's.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer, type WebServer } from '../../main/server/web-server.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { BILLION_SETTINGS, chainDocument, oneBlockDocument, parallelEdgesDocument } from '../support/oversized-graphs.ts';

function problemsOf(value: unknown) {
  const result = parseGraphDocument(value);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe('the loader refuses documents past its limits', () => {
  it('refuses 10,000 blocks at once, with one problem naming the limit', () => {
    expect(problemsOf(chainDocument(10_000))).toEqual([
      { path: 'nodes', message: 'a graph may have at most 2,000 blocks; this one has 10,000' },
    ]);
  });

  it('refuses the same from JSON text', () => {
    const result = parseGraphJson(JSON.stringify(chainDocument(10_000)));
    expect(!result.ok && result.problems[0]!.message).toBe('a graph may have at most 2,000 blocks; this one has 10,000');
  });

  it('refuses 10,000 connections, naming the limit', () => {
    expect(problemsOf(parallelEdgesDocument(10_000))).toEqual([
      { path: 'edges', message: 'a graph may have at most 5,000 connections; this one has 10,000' },
    ]);
  });

  it('still loads, and analyses as valid, a graph at the limits', () => {
    for (const document of [chainDocument(2_000), parallelEdgesDocument(5_000)]) {
      const loaded = parseGraphDocument(document);
      expect(loaded.ok && analyzeGraph(loaded.graph).valid).toBe(true);
    }
  });

  it.each(BILLION_SETTINGS)('refuses a $case of a billion, naming the field and the maximum', ({ type, params, input, path, limit }) => {
    expect(problemsOf(oneBlockDocument(type, params, input))).toEqual([{ path, message: `${limit} (got 1000000000)` }]);
  });

  it('loads every setting at its maximum (the analysis then judges the design)', () => {
    const document = oneBlockDocument('conv2d', { filters: 65_536, kernelSize: 1_024, strides: 1_024, padding: 1_024 }, { height: 16_384, width: 16_384, channels: 65_536 });
    expect(parseGraphDocument(document).ok).toBe(true);
  });

  it('refuses ids, group ids and names over 200 characters and descriptions over 10,000, saying how long they are', () => {
    const long = 'n'.repeat(1_000_000);
    const document: Record<string, unknown> = { ...chainDocument(3), name: long, description: long };
    document.groups = [{ id: long, nodes: ['flat'] }];
    expect(problemsOf(document)).toEqual([
      { path: 'name', message: 'must be at most 200 characters (has 1,000,000)' },
      { path: 'description', message: 'must be at most 10,000 characters (has 1,000,000)' },
      { path: `groups[0] ("${'n'.repeat(36)}...).id`, message: 'must be at most 200 characters (has 1,000,000)' },
    ]);
    // A version-1 label becomes the block's id (migrate.ts), and is measured as one.
    const labelled: Record<string, unknown> = { ...chainDocument(3), version: 1 };
    (labelled.nodes as Record<string, unknown>[])[1]!.label = long;
    expect(problemsOf(labelled)).toContainEqual({ path: `nodes[1] ("${'n'.repeat(36)}...).id`, message: 'must be at most 200 characters (has 1,000,000)' });
    const longId = chainDocument(3);
    (longId.nodes as Record<string, unknown>[])[1]!.id = long;
    const [problem] = problemsOf(longId);
    expect(problem).toEqual({ path: `nodes[1] ("${'n'.repeat(36)}...).id`, message: 'must be at most 200 characters (has 1,000,000)' });
  });
});

// The same documents through the API, into a real service with scratch folders.
const root = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-oversized-'));
const folders = { workspace: join(root, 'workspace'), runs: join(root, 'runs'), state: join(root, 'state'), static: join(root, 'static') };
for (const folder of Object.values(folders)) mkdirSync(folder);
writeFileSync(join(folders.static, 'index.html'), '<!doctype html>');
const { service, started } = serviceWithoutTraining(folders);
afterAll(() => {
  service.dispose();
  rmSync(root, { recursive: true, force: true });
});

const TOO_MANY = chainDocument(10_000);
const HUGE_KERNEL = oneBlockDocument('conv2d', { filters: 8, kernelSize: 1e9 });
const BLOCK_LIMIT = 'nodes: a graph may have at most 2,000 blocks; this one has 10,000';
const KERNEL_LIMIT = 'nodes[1] ("b").params.kernelSize: kernel size must be at most 1,024 (got 1000000000)';

describe('the API refuses the same documents', () => {
  it.each([
    ['saveGraph', ['big.json', TOO_MANY], `not saved: the graph is malformed at ${BLOCK_LIMIT}`],
    ['saveGraph', ['big.json', HUGE_KERNEL], `not saved: the graph is malformed at ${KERNEL_LIMIT}`],
    ['startTraining', [{ graph: TOO_MANY, settings: {}, backend: 'auto' }], `the graph is malformed: ${BLOCK_LIMIT}`],
    ['startTraining', [{ graph: HUGE_KERNEL, settings: {}, backend: 'auto' }], `the graph is malformed: ${KERNEL_LIMIT}`],
    ['exportDesign', ['big', 'pytorch', TOO_MANY], `the graph is malformed: ${BLOCK_LIMIT}`],
    ['saveRecovery', [HUGE_KERNEL, null], `the unsaved design could not be kept for recovery: ${KERNEL_LIMIT}`],
  ])('%s refuses it, naming the limit, and writes nothing and starts no training', async (call, args, message) => {
    expect(await dispatchCall(service, call, args)).toEqual({ ok: false, message });
    expect(readdirSync(folders.workspace)).toEqual([]);
    expect(readdirSync(folders.runs)).toEqual([]);
    expect(started).toEqual([]);
  });
});

describe('the WebSocket refuses them too', () => {
  let server: WebServer;
  // A connection per test: one of them ends with the server closing it.
  let socket: WebSocket;
  beforeAll(async () => {
    server = await startWebServer({ host: '127.0.0.1', port: 0, token: 't', staticDir: folders.static, service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    const origin = new URL(server.url).origin;
    socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=t`, { origin });
    await new Promise((resolve) => socket.once('open', resolve));
  });
  afterEach(() => {
    socket.close();
  });

  const reply = () => new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));

  it('answers a 10,000-block graph (under 8 MiB) with the limit', async () => {
    const text = JSON.stringify({ id: 1, call: 'saveGraph', args: ['big.json', TOO_MANY] });
    expect(text.length).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
    const answer = reply();
    socket.send(text);
    expect(await answer).toEqual({ id: 1, error: { message: `not saved: the graph is malformed at ${BLOCK_LIMIT}` } });
  });

  it('closes the connection on a graph over 8 MiB (code 1009)', async () => {
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: 2, call: 'saveGraph', args: ['big.json', chainDocument(200_000)] }));
    expect(await closed).toBe(1009);
  });
});
