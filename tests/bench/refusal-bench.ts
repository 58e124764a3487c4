/**
 * How long the studio takes to refuse an oversized input — ten thousand blocks, a kernel of a
 * billion, a 1 GB file, forty thousand Keras layers, a message over 8 MiB, an image or IDX file
 * that declares gigabytes — and to accept the
 * largest graph it allows. The tests check that each is refused and with what message; how fast
 * is shown here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { StudioService } from '../../main/api/studio-service.ts';
import { runSummary } from '../../main/cli/summary-command.ts';
import { readIdxFile } from '../../main/data/idx-file.ts';
import { decodeImage } from '../../main/data/image-decode.ts';
import { readGraphFile } from '../../main/files/read-graph-file.ts';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer } from '../../main/server/web-server.ts';
import { chainDocument, oneBlockDocument, parallelEdgesDocument } from '../support/oversized-graphs.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { REPO, runCli } from '../support/cli.ts';

export interface RefusalBenchRow {
  input: string;
  /** Median of the runs, milliseconds. */
  medianMs: number;
  /** What came back: the refusal's first line, or "accepted". */
  outcome: string;
}

export async function runRefusalBench(): Promise<RefusalBenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'cnn-studio-bench-refusals-'));
  const workspace = join(root, 'workspace');
  mkdirSync(workspace);
  const huge = join(workspace, 'huge.json');
  writeFileSync(huge, '');
  truncateSync(huge, 1024 ** 3); // sparse: no disk used
  const { service } = serviceWithoutTraining({ workspace, runs: join(root, 'runs'), state: join(root, 'state') });
  const tooMany = chainDocument(10_000);
  const tooManyText = JSON.stringify(tooMany);
  const million = chainDocument(1_000_000);
  const hugeKernel = oneBlockDocument('conv2d', { filters: 8, kernelSize: 1e9 });
  const keras = kerasChain(40_000);
  const rows: RefusalBenchRow[] = [];
  const add = async (input: string, run: () => unknown, count = 20) => rows.push({ input, ...(await measure(run, count)) });

  try {
    await add('10,000 blocks: parseGraphDocument', () => loadOutcome(parseGraphDocument(tooMany)));
    await add('10,000 blocks as JSON text (1 MB): parseGraphJson', () => loadOutcome(parseGraphJson(tooManyText)));
    await add('1,000,000 blocks: parseGraphDocument', () => loadOutcome(parseGraphDocument(million)));
    await add('kernel size 1e9: parseGraphDocument', () => loadOutcome(parseGraphDocument(hugeKernel)));
    await add('input height 1e9: parseGraphDocument', () => loadOutcome(parseGraphDocument(oneBlockDocument('flatten', {}, { height: 1e9 }))));
    await add('units 1e9: parseGraphDocument', () => loadOutcome(parseGraphDocument(oneBlockDocument('dense', { units: 1e9 }))));
    await add('40,000 Keras layers: importKerasTopology', () => {
      const imported = importKerasTopology(keras);
      return imported.ok ? 'accepted' : imported.problems[0]!;
    });
    await add('1 GB file: readGraphFile', async () => {
      const read = await readGraphFile(huge);
      return read.ok ? 'accepted' : read.problems[0]!;
    });
    await add('1 GB file: openGraph through dispatchCall', () => callOutcome(dispatchCall(service, 'openGraph', ['huge.json'])));
    await add('10,000 blocks: saveGraph through dispatchCall', () => callOutcome(dispatchCall(service, 'saveGraph', ['big.json', tooMany])));
    await add('kernel size 1e9: startTraining through dispatchCall', () =>
      callOutcome(dispatchCall(service, 'startTraining', [{ graph: hugeKernel, settings: {}, backend: 'auto' }])),
    );
    rows.push(...(await overWebSocket(service, tooManyText)));
    await add('1 GB file: `cnn-studio summary`, in process (runSummary)', async () => {
      const errors: string[] = [];
      await runSummary(huge, {}, { out: () => {}, err: (text) => errors.push(text) });
      return errors[0] ?? 'accepted';
    });
    await add('1 GB file: `cnn-studio summary`, a new process (start-up included)', async () => (await runCli(['summary', huge])).stderr.trim(), 3);
    await add('PNG declaring 10,000×10,000 (69 bytes): decodeImage', () => decodeOutcome(readFileSync(join(BOMB_FOLDER, 'a/000-big.png'))));
    await add('gzipped IDX declaring 1 TB: readIdxFile', async () => {
      const idx = join(root, 'terabyte-idx.gz');
      writeFileSync(idx, gzipSync(idxHeader([1_000_000, 1000, 1000])));
      return readIdxFile(idx).then(() => 'accepted', (error: Error) => error.message);
    });
    await add('png-header-bomb folder: `cnn-studio dataset`, a new process (start-up included)', async () => (await runCli(['dataset', `images:${BOMB_FOLDER}`])).stderr.trim(), 3);
    await add('2,000 blocks, the limit: load and analyse', () => acceptOutcome(chainDocument(2_000)), 10);
    await add('5,000 connections, the limit: load and analyse', () => acceptOutcome(parallelEdgesDocument(5_000)), 10);
  } finally {
    service.dispose();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function measure(run: () => unknown, count: number): Promise<{ medianMs: number; outcome: string }> {
  let outcome = String(await run()); // warm-up, and what came back
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    outcome = String(await run());
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)]!, outcome: outcome.split('\n')[0]!.slice(0, 100) };
}

/** The bomb of tests/fixtures/attacks: a 69-byte PNG declaring 10,000×10,000 pixels, beside twelve small ones. */
const BOMB_FOLDER = join(REPO, 'tests/fixtures/attacks/png-header-bomb');

function decodeOutcome(bytes: Uint8Array): string {
  try {
    decodeImage(bytes);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

/** An IDX header of unsigned bytes with these dimensions and no values. */
function idxHeader(dims: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => new DataView(header.buffer).setUint32(4 + 4 * i, d));
  return header;
}

function loadOutcome(result: ReturnType<typeof parseGraphDocument>): string {
  return result.ok ? 'accepted' : `${result.problems[0]!.path}: ${result.problems[0]!.message}`;
}

async function callOutcome(outcome: ReturnType<typeof dispatchCall>): Promise<string> {
  const done = await outcome;
  return done.ok ? 'accepted' : done.message;
}

function acceptOutcome(document: unknown): string {
  const loaded = parseGraphDocument(document);
  if (!loaded.ok) return loadOutcome(loaded);
  return analyzeGraph(loaded.graph).valid ? 'accepted, valid' : 'accepted, with diagnostics';
}

/** A Functional model of `count` ReLUs in a chain, listed last to first (the slowest order to sort). */
function kerasChain(count: number): unknown {
  const layers = Array.from({ length: count }, (_, i) => ({ class_name: 'ReLU', name: `r${i}`, config: {}, inbound_nodes: [[[`r${i - 1}`, 0, 0, {}]]] }));
  return { class_name: 'Functional', config: { layers: layers.reverse(), input_layers: [['r0', 0, 0]], output_layers: [[`r${count - 1}`, 0, 0]] } };
}

/** A 10,000-block graph sent as a request (a round trip), and a 9 MiB message (until the close). */
async function overWebSocket(service: StudioService, tooManyText: string): Promise<RefusalBenchRow[]> {
  const staticDir = mkdtempSync(join(tmpdir(), 'cnn-studio-bench-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const server = await startWebServer({ host: '127.0.0.1', port: 0, token: 't', staticDir, service, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  const origin = new URL(server.url).origin;
  const connect = async () => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=t`, { origin });
    await new Promise((resolve) => socket.once('open', resolve));
    return socket;
  };
  try {
    const socket = await connect();
    const request = `{"id":1,"call":"saveGraph","args":["big.json",${tooManyText}]}`;
    const roundTrip = await measure(async () => {
      const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
      socket.send(request);
      return (JSON.parse(await reply) as { error?: { message: string } }).error?.message ?? 'accepted';
    }, 10);
    socket.close();
    const oversized = 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES + 1024 * 1024);
    const close = await measure(async () => {
      const fresh = await connect();
      const start = performance.now();
      const code = new Promise<number>((resolve) => fresh.once('close', resolve));
      fresh.send(oversized);
      return `closed with ${await code} after ${(performance.now() - start).toFixed(1)} ms`;
    }, 5);
    return [
      { input: '10,000 blocks (1 MB): saveGraph over the WebSocket, round trip', ...roundTrip },
      { input: '9 MiB message over the WebSocket: connect, send, closed', ...close },
    ];
  } finally {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  }
}
