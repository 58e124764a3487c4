/**
 * The dataset preview reads in a worker thread: while a slow preview runs, the browser-mode server
 * (started as `npm run web` starts it) keeps answering other calls. The dataset is a gzipped IDX
 * folder of 200 MB of pixels, whose inflating and statistics take seconds of CPU; read on the
 * server's own thread they held every other call for over a second at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { idxBytes } from '../data/image-fixtures.ts';
import { REPO } from '../support/cli.ts';

const IMAGES = 255_000; // of 28×28: 200 MB
/** The longest an unrelated call may wait while the preview runs; the preview on the server's thread made it wait over 1 s. */
const MAX_WAIT_MS = 500;

const children: ChildProcess[] = [];
const folders: string[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function workspaceWithBigIdx(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-preview-'));
  folders.push(workspace);
  const big = join(workspace, 'big');
  mkdirSync(big);
  const header = idxBytes([IMAGES, 28, 28], []);
  writeFileSync(join(big, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(IMAGES * 784, 7)]), { level: 1 }));
  const labels = Uint8Array.from({ length: IMAGES }, (_, i) => i % 10);
  writeFileSync(join(big, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.concat([idxBytes([IMAGES], []), labels])));
  writeFileSync(join(big, 't10k-images-idx3-ubyte'), idxBytes([2, 28, 28], new Array(2 * 784).fill(3)));
  writeFileSync(join(big, 't10k-labels-idx1-ubyte'), idxBytes([2], [0, 9]));
  return workspace;
}

function startWebMain(workspace: string): Promise<URL> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/web-main.ts', '--port', '0', '--no-open', '--workspace', workspace, '--state-dir', join(workspace, '.state')], { cwd: REPO });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (\S+)/.exec(out);
      if (match) resolve(new URL(match[1]!));
    });
    child.on('exit', (code) => reject(new Error(`web-main exited with ${code} before printing its URL: ${out}`)));
  });
}

/** A client of the server's API: `call` sends a request and resolves with its response. */
async function connect(url: URL) {
  const socket = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, { origin: url.origin });
  await new Promise((resolve, reject) => {
    socket.on('open', resolve);
    socket.on('error', reject);
  });
  const pending = new Map<number, (response: { result?: unknown; error?: { message: string } }) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (typeof message.id === 'number') pending.get(message.id)?.(message);
  });
  let next = 1;
  return {
    call(name: string, args: unknown[]) {
      const id = next++;
      return new Promise<{ result?: unknown; error?: { message: string } }>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, call: name, args }));
      });
    },
    close: () => socket.close(),
  };
}

describe('the dataset preview in the browser mode', () => {
  it('leaves the server answering other calls while it reads a large dataset', async () => {
    const workspace = workspaceWithBigIdx();
    const client = await connect(await startWebMain(workspace));
    let previewing = true;
    const preview = client.call('previewDataset', ['idx:big']).finally(() => (previewing = false));
    const waits: number[] = [];
    while (previewing) {
      const sent = performance.now();
      const answer = await client.call('hostInfo', []);
      waits.push(performance.now() - sent);
      expect(answer.error).toBeUndefined();
      await sleep(20);
    }
    const response = await preview;
    client.close();
    expect(response.error).toBeUndefined();
    const summary = response.result as { counts: { className: string; train: number; test: number }[] };
    expect(summary.counts.reduce((sum, c) => sum + c.train, 0)).toBe(IMAGES);
    // The preview ran long enough for the pings to mean something, and none of them waited on it.
    expect(waits.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...waits)).toBeLessThan(MAX_WAIT_MS);
  }, 120_000);
});
