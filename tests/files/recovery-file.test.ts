import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoveryStore } from '../../main/files/recovery-file.ts';
import { chainOf } from '../support/graphs.ts';

const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]);
const scratch = () => mkdtempSync(join(tmpdir(), 'cnn-studio-recovery-'));

describe('the recovery file', () => {
  it('gives back the last draft saved, with its path and time, until cleared', async () => {
    const store = recoveryStore(scratch(), '/work/project');
    expect(await store.read()).toBeNull();
    await store.save({ ...graph, name: 'draft 1' }, null);
    await store.save({ ...graph, name: 'draft 2' }, '/work/project/net.json');
    const draft = await store.read();
    expect(draft).toMatchObject({ path: '/work/project/net.json', graph: { name: 'draft 2' } });
    expect(Date.now() - Date.parse(draft!.savedAt)).toBeLessThan(60_000);
    await store.clear();
    expect(await store.read()).toBeNull();
    await store.clear();
  });

  it('keeps one draft per workspace', async () => {
    const state = scratch();
    await recoveryStore(state, '/a').save({ ...graph, name: 'in a' }, null);
    expect(await recoveryStore(state, '/b').read()).toBeNull();
    expect((await recoveryStore(state, '/a').read())?.graph.name).toBe('in a');
  });

  it('refuses to keep a malformed graph, naming the field', async () => {
    const store = recoveryStore(scratch(), '/w');
    await expect(store.save({ format: 'cnn-studio/graph', version: 2, nodes: 'none', edges: [] }, null)).rejects.toThrow(/could not be kept for recovery: nodes/);
  });

  it('moves a damaged recovery file aside and says where, instead of offering garbage', async () => {
    const state = scratch();
    const store = recoveryStore(state, '/w');
    mkdirSync(join(state, 'recovery'));
    writeFileSync(store.file, '{"format":"cnn-studio/recovery","gra');
    await expect(store.read()).rejects.toThrow(`damaged and cannot be restored; it was moved to ${store.file}.damaged`);
    expect(existsSync(`${store.file}.damaged`)).toBe(true);
    expect(await store.read()).toBeNull();
  });
});
