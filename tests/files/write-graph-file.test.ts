import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { writeAtomically } from '../../main/files/write-atomically.ts';
import { chainOf } from '../support/graphs.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'cnn-studio-save-'));
const named = (name: string) => ({ ...chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]), name });

describe('saving a graph file', () => {
  it('keeps the version it replaces as <file>.bak', async () => {
    const folder = scratch();
    const file = join(folder, 'design.json');
    await writeGraphFile(file, named('first'));
    expect(readdirSync(folder)).toEqual(['design.json']);
    await writeGraphFile(file, named('second'));
    await writeGraphFile(file, named('third'));
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('third');
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).name).toBe('second');
    expect(readdirSync(folder).sort()).toEqual(['design.json', 'design.json.bak']);
  });

  it('refuses a malformed graph without touching the file on disk', async () => {
    const folder = scratch();
    const file = join(folder, 'design.json');
    await writeGraphFile(file, named('kept'));
    await expect(writeGraphFile(file, { format: 'cnn-studio/graph', version: 2, nodes: [{ id: 'x', type: 'warp' }], edges: [] })).rejects.toThrow(/not saved: the graph is malformed at nodes\[0\]/);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('kept');
    expect(readdirSync(folder)).toEqual(['design.json']);
  });

  it('cleans up its temporary file and leaves the target alone when the rename fails', async () => {
    // A non-empty folder where the file should go makes the final rename fail, even for root.
    const folder = scratch();
    const target = join(folder, 'busy.json');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    await expect(writeAtomically(target, 'new')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['busy.json']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('removes temporary files left by a writer that was killed, and only those', async () => {
    const folder = scratch();
    const file = join(folder, 'design.json');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(folder, `.design.json.${deadPid}.k1ll3d.tmp`), 'half a file');
    writeFileSync(join(folder, `.other.json.${deadPid}.k1ll3d.tmp`), 'not ours to remove');
    await writeGraphFile(file, named('after a kill'));
    expect(readdirSync(folder).sort()).toEqual([`.other.json.${deadPid}.k1ll3d.tmp`, 'design.json']);
  });
});
