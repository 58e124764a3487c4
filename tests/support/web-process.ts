/**
 * The browser mode as a user runs it: `npm run web`'s entry point in its own process over a
 * scratch workspace, called over its WebSocket with the token it prints, from its own origin, as
 * the page calls it. A test that makes the server hang or crash cannot take the test runner with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { REPO } from './cli.ts';

export interface WebProcess {
  url: URL;
  /** Calls the API as the page does; resolves with the result, or rejects with the message the server sent. */
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>;
  /** Like `call`, but resolves with "timeout" when no answer comes within `ms`. */
  callWithin<T = unknown>(ms: number, name: string, ...args: unknown[]): Promise<T | 'timeout'>;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export async function startWebProcess(options: { workspace: string; stateDir: string }): Promise<WebProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/server/web-main.ts', '--port', '0', '--no-open', '--workspace', options.workspace, '--state-dir', options.stateDir],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (\S+)/.exec(out);
      if (match) resolve(new URL(match[1]!));
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before printing its URL: ${out}${err}`)));
  });

  const socket = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, { origin: url.origin });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  });

  const call = <T>(name: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, call: name, args }));
    });

  return {
    url,
    call,
    callWithin: <T>(ms: number, name: string, ...args: unknown[]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
      return Promise.race([call<T>(name, ...args), timeout]).finally(() => clearTimeout(timer));
    },
    stderr: () => err,
    async close() {
      socket.terminate();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // SIGKILL: a server stuck on a FIFO would not finish a clean shutdown.
      child.kill('SIGKILL');
      await exited;
    },
  };
}
