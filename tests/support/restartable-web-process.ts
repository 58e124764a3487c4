/**
 * `npm run web`'s entry point as a process of its own, on a fixed port with a scratch workspace
 * and state folder: killed like a crash, then started again on the same port. For the tests that
 * need the server to die under a page (an in-process server cannot); web-process.ts is the one to
 * call the API with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './cli.ts';

export interface WebProcess {
  workspace: string;
  stateDir: string;
  port: number;
  /** Starts the server (again), with any extra options, and resolves with the address it prints. */
  start(extra?: string[]): Promise<string>;
  /** SIGKILL, as a crash or `kill -9` would; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** A port that was free a moment ago, for a server that must come back on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function webProcess(): Promise<WebProcess> {
  const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-e2e-web-'));
  const stateDir = join(workspace, '.state');
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    workspace,
    stateDir,
    port,
    start(extra = []) {
      if (child && child.exitCode === null && child.signalCode === null) return Promise.reject(new Error('the server is still running'));
      const args = ['--import', 'tsx', join(REPO, 'main/server/web-main.ts'), '--port', String(port), '--workspace', workspace, '--state-dir', stateDir, '--no-open', ...extra];
      child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      return new Promise((resolve, reject) => {
        child!.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const url = /running at (\S+)/.exec(output)?.[1];
          if (url) resolve(url);
        });
        child!.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
      });
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
