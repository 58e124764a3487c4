import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside } from '../../main/api/path-policy.ts';
import { createStudioService } from '../../main/api/studio-service.ts';
import { REPO } from '../support/cli.ts';
import { chainOf } from '../support/graphs.ts';

const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]);

/** The desktop app's engine, with a file dialog that answers what the test says. */
function desktop() {
  const root = mkdtempSync(join(tmpdir(), 'cnn-studio-paths-'));
  const workspace = join(root, 'workspace');
  let dialogAnswer: string | null = null;
  const service = createStudioService({
    kind: 'desktop',
    workspace,
    runsRoot: join(workspace, 'runs'),
    resourcesDir: join(REPO, 'resources'),
    stateDir: join(root, 'state'),
    chooseFile: async () => dialogAnswer,
    emitTrainingEvent: () => {},
  });
  return { root, workspace, service, answerDialog: (path: string) => (dialogAnswer = path) };
}

describe('paths the desktop page may use', () => {
  it('are the workspace and what the user picked in a file dialog, nothing the page makes up', async () => {
    const { root, workspace, service, answerDialog } = desktop();
    await service.saveGraph('inside.json', graph);
    const elsewhere = join(root, 'elsewhere', 'net');
    await expect(service.saveGraph(elsewhere, graph)).rejects.toThrow(/outside the workspace .* and was not chosen in a file dialog; use Open… or Save as…/);
    await expect(service.openGraph('/etc/passwd')).rejects.toThrow(/was not chosen in a file dialog/);
    await expect(service.exportDesign(join(root, 'model'), 'pytorch', graph)).rejects.toThrow(/was not chosen in a file dialog/);

    answerDialog(elsewhere);
    expect(await service.chooseFile('save', 'graph', 'net.json')).toBe(elsewhere);
    mkdirSync(join(root, 'elsewhere'));
    // The dialog may give the name without its extension; the studio adds it.
    expect(await service.saveGraph(elsewhere, graph)).toEqual({ path: `${elsewhere}.json` });
    expect(await service.recentFiles()).toContain(`${elsewhere}.json`);
    expect((await service.openGraph('inside.json')).path).toBe(join(workspace, 'inside.json'));
  });

  it('include the recent files of earlier sessions, which went through a dialog then', async () => {
    const first = desktop();
    first.answerDialog(join(first.root, 'kept.json'));
    const chosen = await first.service.chooseFile('save', 'graph');
    await first.service.saveGraph(chosen!, graph);
    const restarted = createStudioService({
      kind: 'desktop',
      workspace: first.workspace,
      runsRoot: join(first.workspace, 'runs'),
      resourcesDir: join(REPO, 'resources'),
      stateDir: join(first.root, 'state'),
      emitTrainingEvent: () => {},
    });
    expect((await restarted.openGraph(join(first.root, 'kept.json'))).path).toBe(join(first.root, 'kept.json'));
    await restarted.saveGraph(join(first.root, 'kept.json'), graph);
  });
});

describe('isInside', () => {
  it('counts a file whose name starts with two dots as inside, and the parent as outside', () => {
    expect(isInside('/w', '/w/..notes.json')).toBe(true);
    expect(isInside('/w', '..notes.json')).toBe(true);
    expect(isInside('/w', '/w')).toBe(true);
    expect(isInside('/w', '..')).toBe(false);
    expect(isInside('/w', '../w2/x.json')).toBe(false);
    expect(isInside('/w', '/w2/x.json')).toBe(false);
  });
});

describe('paths through symbolic links', () => {
  it('lead where the links lead: the desktop refuses a link out of the workspace as it refuses the path itself', async () => {
    const { root, workspace, service, answerDialog } = desktop();
    mkdirSync(join(root, 'elsewhere'), { recursive: true });
    mkdirSync(workspace, { recursive: true });
    symlinkSync(join(root, 'elsewhere'), join(workspace, 'link'));
    await expect(service.saveGraph('link/net.json', graph)).rejects.toThrow(/outside the workspace .* \(through a symbolic link\) and was not chosen in a file dialog/);
    expect(existsSync(join(root, 'elsewhere', 'net.json'))).toBe(false);
    // Chosen in the dialog, under either of its names, it may be written.
    answerDialog(join(workspace, 'link', 'net.json'));
    await service.chooseFile('save', 'graph');
    expect(await service.saveGraph('link/net.json', graph)).toEqual({ path: join(root, 'elsewhere', 'net.json') });
  });

  it('never land on the workspace folder itself, or on a folder or FIFO named like the file', async () => {
    const { workspace, service } = desktop();
    mkdirSync(join(workspace, 'folder.json'), { recursive: true });
    await expect(service.saveGraph('.', graph)).rejects.toThrow(/is the workspace folder itself; name a file in it/);
    await expect(service.saveGraph(workspace, graph)).rejects.toThrow(/is the workspace folder itself/);
    await expect(service.saveGraph('folder', graph)).rejects.toThrow('"folder" names a folder, not a file that can be written; choose another name');
  });

  it('refuse a zero character, which no file name can hold, in one line', async () => {
    const { service } = desktop();
    await expect(service.openGraph('a\0b.json')).rejects.toThrow('"a?b.json" contains a zero character, which no file name can');
  });
});

describe('a recent file', () => {
  it('counts as the real file it was, not as whatever its name leads to later', async () => {
    const first = desktop();
    const kept = join(first.root, 'kept.json');
    first.answerDialog(kept);
    await first.service.saveGraph((await first.service.chooseFile('save', 'graph'))!, graph);
    // The file is replaced by a link to another file outside the workspace.
    const secret = join(first.root, 'secret.json');
    writeFileSync(secret, JSON.stringify(graph));
    rmSync(kept);
    symlinkSync(secret, kept);
    const restarted = createStudioService({
      kind: 'desktop',
      workspace: first.workspace,
      runsRoot: join(first.workspace, 'runs'),
      resourcesDir: join(REPO, 'resources'),
      stateDir: join(first.root, 'state'),
      emitTrainingEvent: () => {},
    });
    await expect(restarted.openGraph(kept)).rejects.toThrow(/was not chosen in a file dialog/);
  });
});
