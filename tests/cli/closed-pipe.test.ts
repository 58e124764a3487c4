/**
 * A reader that stops early (`cnn-studio summary x | head -1`) closes the command's output pipe.
 * The command then ends quietly, as any Unix tool does: no EPIPE stack trace on stderr.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${REPO}bin/cnn-studio.js`, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command writes a byte, like `head` exiting before the output comes.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the command writing into a closed pipe', () => {
  it.each([
    [['summary', 'resources/journey/round-10.json']],
    [['diff', 'resources/journey/round-09.json', 'resources/journey/round-10.json']],
    [['--help']],
  ])('%j ends without a stack trace', async (args) => {
    const { stderr } = await runWithClosedStdout(args);
    expect(stderr).not.toMatch(/EPIPE|    at /);
  });
});
