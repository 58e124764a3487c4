/** Running the real, built `cnn-studio` command (bin/cnn-studio.js → dist/cli, built by tests/support/build-cli.global.ts) in a child process, as a user would. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${REPO}bin/cnn-studio.js`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  timeoutMs?: number;
  /** The folder it runs in; the checkout unless given. */
  cwd?: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** The command's file; the checkout's bin/cnn-studio.js unless given (an installed copy). */
  bin?: string;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...options.env };
    execFile(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd ?? REPO, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stack trace has lines like "    at foo (file.ts:1:2)". */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text);
}
