import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
