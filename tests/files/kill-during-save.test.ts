import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGraphFile } from '../../main/files/read-graph-file.ts';
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { REPO } from '../support/cli.ts';
import { chainOf } from '../support/graphs.ts';

/** Starts the save loop, waits until it is saving, lets it run `ms` more, then SIGKILLs it. */
async function killWhileSaving(file: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'tests/files/save-loop.ts'), file], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the save loop exited early with ${code}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('killing the studio while it saves', () => {
  it('always leaves a whole file and a whole backup, old or new, never half of each', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cnn-studio-kill-save-')), 'design.json');
    const versions: string[] = [];
    // Different delays land the kill at different points of the write–flush–rename cycle.
    for (const ms of [150, 230, 310, 390, 470]) {
      await killWhileSaving(file, ms);
      const saved = await readGraphFile(file);
      const backup = await readGraphFile(`${file}.bak`);
      expect(saved.ok ? saved.graph.name : saved.problems).toMatch(/^version \d+$/);
      expect(backup.ok ? backup.graph.name : backup.problems).toMatch(/^version \d+$/);
      if (saved.ok) versions.push(saved.graph.name!);
    }
    // The loop really was saving over and over when it was killed.
    expect(versions.some((name) => name !== 'version 1')).toBe(true);
    // Whatever a kill left behind is hidden (a dot-file) and never mistaken for a design;
    // write-graph-file.test.ts shows the next save removing it.
    await writeGraphFile(file, chainOf([8, 8, 1], [{ type: 'flatten' }]));
    expect(readdirSync(dirname(file)).filter((name) => !name.startsWith('.')).sort()).toEqual(['design.json', 'design.json.bak']);
  }, 60_000);
});
