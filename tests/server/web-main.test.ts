/**
 * `npm run web` as a user starts it, with no --host: it must listen on loopback only, with a fresh
 * random token and the 8 MiB message limit, and stop cleanly on SIGTERM. (web-server.test.ts
 * covers the rest of what the server refuses, on a server started in-process.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { REPO } from '../support/cli.ts';

const children: ChildProcess[] = [];
const workspaces: string[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const workspace of workspaces) rmSync(workspace, { recursive: true, force: true });
});

/** Starts web-main with the default host and resolves with the URL it prints. */
function startWebMain(): Promise<{ child: ChildProcess; url: URL; stdout: () => string }> {
  const workspace = mkdtempSync(join(tmpdir(), 'web-main-'));
  workspaces.push(workspace);
  // Its own state folder, so that the token it keeps (web-token.ts) lands in no real home folder.
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/web-main.ts', '--port', '0', '--no-open', '--workspace', workspace, '--state-dir', join(workspace, '.state')], { cwd: REPO });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (\S+)/.exec(out);
      if (match) resolve({ child, url: new URL(match[1]!), stdout: () => out });
    });
    child.on('exit', (code) => reject(new Error(`web-main exited with ${code} before printing its URL: ${out}`)));
  });
}

/** "open" or the error code a TCP connection to host:port ends with. */
function tcpConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('npm run web', () => {
  it('binds to 127.0.0.1 by default, prints a long random token, refuses messages over 8 MiB and stops on SIGTERM', async () => {
    const { child, url, stdout } = await startWebMain();
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[\w-]{32,}$/);
    expect(stdout()).not.toContain('Warning');
    const port = Number(url.port);
    expect(await tcpConnect('127.0.0.1', port)).toBe('open');
    // Reachable on loopback only: the machine's other addresses refuse the connection.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) expect(await tcpConnect(external.address, port)).toBe('ECONNREFUSED');

    // The default limit, 8 MiB: a message of exactly 8 MiB gets an answer, one byte more closes the
    // connection (1009 "message too big", or 1006 when the server drops it before the close frame).
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await new Promise((resolve) => socket.on('open', resolve));
    const answered = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send('x'.repeat(8 * 1024 * 1024));
    expect(await answered).toContain('malformed request');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send('x'.repeat(8 * 1024 * 1024 + 1));
    expect([1006, 1009]).toContain(await closed);

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
