import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGraphFile } from '../../main/files/read-graph-file.ts';
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { chainOf } from '../support/graphs.ts';

const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]);

async function damaged(contents: string, { withBackup = false } = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'cnn-studio-read-')), 'design.json');
  if (withBackup) {
    await writeGraphFile(file, graph);
    await writeGraphFile(file, graph);
  }
  writeFileSync(file, contents);
  return { file, result: await readGraphFile(file) };
}

describe('reading a damaged graph file', () => {
  it('says a truncated file looks truncated, naming the file', async () => {
    const whole = JSON.stringify(graph, null, 2);
    const { file, result } = await damaged(whole.slice(0, whole.length / 2));
    expect(result).toMatchObject({ ok: false, backup: null });
    if (result.ok) return;
    expect(result.problems[0]).toContain(`${file} is not valid JSON (it ends early: the file looks truncated)`);
  });

  it('says an empty file is empty', async () => {
    const { file, result } = await damaged('');
    expect(!result.ok && result.problems).toEqual([`${file} is empty`]);
  });

  it('names the version it does not know', async () => {
    const { result } = await damaged(JSON.stringify({ ...graph, version: 7 }));
    expect(!result.ok && result.problems[0]).toMatch(/version 7/);
  });

  it('says where the field at fault is', async () => {
    const broken = { ...graph, nodes: graph.nodes.map((n, i) => (i === 1 ? { ...n, params: { filters: 'many' } } : n)) };
    const { file, result } = await damaged(JSON.stringify(broken));
    expect(!result.ok && result.problems[0]).toMatch(new RegExp(`^${file}: nodes\\[1\\].*filters`));
  });

  it('offers the backup when one exists', async () => {
    const { file, result } = await damaged('{"format": "cnn-studio/gr', { withBackup: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.backup?.path).toBe(`${file}.bak`);
    expect(result.problems.at(-1)).toMatch(new RegExp(`^a backup saved \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC is in ${file}\\.bak$`));
    expect((await readGraphFile(`${file}.bak`)).ok).toBe(true);
  });
});
