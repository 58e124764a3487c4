import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainingSettings } from '../../main/graph/training-settings.ts';
import { createRunFolder } from '../../main/runs/run-folder.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { browserService } from '../support/studio.ts';
import { chainOf } from '../support/graphs.ts';

const graph = (name: string) => ({ ...chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]), name });

function workspace() {
  const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-files-'));
  return { folder, service: browserService(folder) };
}

describe('graph files through the studio service', () => {
  it('offers the previous save when a file no longer opens, and opens it in its place', async () => {
    const { folder, service } = workspace();
    await service.saveGraph('net.json', graph('good'));
    await service.saveGraph('net.json', graph('better'));
    writeFileSync(join(folder, 'net.json'), '{"format": "cnn-studio/graph", "version": 1, "nodes": [');

    const failure = await service.openGraph('net.json').catch((error: Error) => error.message);
    expect(failure).toContain(`${join(folder, 'net.json')} is not valid JSON (it ends early: the file looks truncated)`);
    expect(failure).toContain(`is in ${join(folder, 'net.json.bak')}`);

    expect(await service.findBackup('net.json')).toMatchObject({ path: join(folder, 'net.json.bak') });
    const backup = await service.openBackup('net.json');
    expect(backup).toMatchObject({ original: join(folder, 'net.json'), path: join(folder, 'net.json.bak'), graph: { name: 'good' } });
  });

  it('says plainly when there is no backup, or when the backup is damaged too', async () => {
    const { folder, service } = workspace();
    expect(await service.findBackup('never-saved.json')).toBeNull();
    await expect(service.openBackup('never-saved.json')).rejects.toThrow(`${join(folder, 'never-saved.json')} has no backup`);
    writeFileSync(join(folder, 'twice.json.bak'), 'garbage');
    await expect(service.openBackup('twice.json')).rejects.toThrow(/the backup does not open either: .*twice\.json\.bak is not valid JSON/);
  });

  it('keeps backups and recovery inside the workspace rules of the browser mode', async () => {
    const { service } = workspace();
    await expect(service.findBackup('../elsewhere.json')).rejects.toThrow(/outside the workspace/);
    await expect(service.openBackup('/etc/passwd')).rejects.toThrow(/outside the workspace/);
  });

  it('gives an unsaved design back from the recovery file until it is cleared', async () => {
    const { folder, service } = workspace();
    expect(await service.readRecovery()).toBeNull();
    await service.saveRecovery(graph('unsaved work'), join(folder, 'net.json'));
    // A new service over the same state, as after a crash and a restart.
    const restarted = browserService(folder);
    expect(await restarted.readRecovery()).toMatchObject({ path: join(folder, 'net.json'), graph: { name: 'unsaved work' } });
    await restarted.clearRecovery();
    expect(await restarted.readRecovery()).toBeNull();
  });
});

describe('paths inside a file the user opened', () => {
  it('never decide where the studio writes: names and dataset folders from the file stay data', async () => {
    const { folder } = workspace();
    const { service, started } = serviceWithoutTraining({ workspace: folder, runs: join(folder, 'runs'), state: join(folder, '.state') });
    const hostile = { ...loadPreset(journeyPath(10)), name: '../../../../tmp/escaped', description: '/etc/passwd' };
    writeFileSync(join(folder, 'hostile.json'), JSON.stringify(hostile));
    const { graph } = await service.openGraph('hostile.json');

    // A dataset folder outside the workspace is refused before any training starts.
    await expect(service.startTraining({ graph, settings: { dataset: 'idx:../../../etc' }, backend: 'wasm' })).rejects.toThrow(/outside the workspace/);
    // Runs go under the workspace's runs folder, and the name only lends a cleaned-up slug.
    await service.startTraining({ graph, settings: { dataset: 'mnist', epochs: 1 }, backend: 'wasm' });
    expect(started.map((request) => request.runsRoot)).toEqual([join(folder, 'runs')]);
    const runDir = await createRunFolder(join(folder, 'runs'), graph, started[0]!.settings as TrainingSettings);
    expect(relative(join(folder, 'runs'), runDir)).toMatch(/^[\w-]+_tmp-escaped$/);
    // Saving and the recovery file go where the studio says, not where the document says.
    await service.saveGraph('copy.json', graph);
    await service.saveRecovery(graph, null);
    expect(existsSync(join(folder, '..', '..', '..', '..', 'tmp', 'escaped'))).toBe(false);
    expect(readdirSync(folder).sort()).toEqual(['.state', 'copy.json', 'hostile.json', 'runs']);
  });
});
