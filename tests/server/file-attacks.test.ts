/**
 * The browser mode's file and path safety, attacked through the real server (`npm run web`'s
 * entry point, its own process) over its WebSocket, as a page would: a "?" in a dataset name, a
 * folder link out of the workspace, run folders that are links, FIFOs where files are expected,
 * and bad entries in the folders the page lists. Every attack must be refused with one line,
 * write and read nothing outside the workspace, and leave the server answering.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetPreview, GraphFileInfo, RunListing } from '../../main/api/contract.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createRunFolder, writeRunRecord } from '../../main/runs/run-folder.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import { idxBytes, solid, writePng } from '../data/image-fixtures.ts';
import { chainOf } from '../support/graphs.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { startWebProcess, type WebProcess } from '../support/web-process.ts';

const graph = chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }, { type: 'flatten' }, { type: 'dense', params: { units: 2 } }, { type: 'output' }]);
/** Text an attacker would like to read; no message may ever contain it. */
const SECRET = 'root:x:0:0:the-secret-first-line';

const root = mkdtempSync(join(tmpdir(), 'cnn-studio-attacks-'));
const workspace = join(root, 'workspace');
const outside = join(root, 'outside');
const runsRoot = join(workspace, 'runs');

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** An images dataset (two classes of 8×8 PNGs) and an IDX dataset (four tiny files). */
function writeDatasets(folder: string): void {
  for (const [name, colour] of [['alpha', [250, 0, 0]], ['beta', [0, 0, 250]]] as const) {
    for (let i = 0; i < 7; i++) writePng(join(folder, 'images', name, `${i}.png`), 8, 8, solid(8, 8, [...colour]));
  }
  mkdirSync(join(folder, 'idx'), { recursive: true });
  writeFileSync(join(folder, 'idx', 'train-images-idx3-ubyte'), idxBytes([2, 8, 8], Array.from({ length: 128 }, (_, i) => i % 256)));
  writeFileSync(join(folder, 'idx', 'train-labels-idx1-ubyte'), idxBytes([2], [0, 1]));
  writeFileSync(join(folder, 'idx', 't10k-images-idx3-ubyte'), idxBytes([2, 8, 8], Array.from({ length: 128 }, (_, i) => (i * 3) % 256)));
  writeFileSync(join(folder, 'idx', 't10k-labels-idx1-ubyte'), idxBytes([2], [1, 0]));
}

/** A finished run, made as the trainer makes one. */
async function writeRun(runs: string, name: string): Promise<string> {
  const dir = await createRunFolder(runs, loadPreset(journeyPath(3)), trainingSettingsSchema.parse({}));
  await writeRunRecord(dir, { ...newRunRecord(name, 'wasm'), status: 'finished', seconds: 1 });
  return dir;
}

beforeAll(async () => {
  mkdirSync(workspace, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.json'), `${SECRET}\nsecond line\n`);
  writeFileSync(join(outside, 'target.json'), 'not yours to replace');
  writeDatasets(outside);
  writeDatasets(join(workspace, 'data'));
  // The links an attacker (or an unlucky user) leaves in the workspace.
  symlinkSync(outside, join(workspace, 'link'));
  symlinkSync(join(outside, 'secret.json'), join(workspace, 'secret-link.json'));
  symlinkSync(join(outside, 'target.json'), join(workspace, 'escape.json'));
  // A run folder outside, reached through a link in the runs folder.
  const outsideRun = await writeRun(join(outside, 'runs'), 'outside run');
  mkdirSync(runsRoot, { recursive: true });
  symlinkSync(outsideRun, join(runsRoot, 'evil'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the browser-mode server, attacked through its files and paths', () => {
  let server: WebProcess;
  beforeAll(async () => {
    server = await startWebProcess({ workspace, stateDir: join(root, 'state') });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a dataset name that a "?" in a folder name would read two ways (A1)', async () => {
    // Saving to "q?/x.json" makes a folder named "q?" in the workspace.
    await server.call('saveGraph', 'q?/x.json', graph);
    expect(existsSync(join(workspace, 'q?', 'x.json'))).toBe(true);

    // Was: checked as "q" (inside), opened as "q?/../../outside/images" (outside), and the page saw its classes.
    const preview = server.call<DatasetPreview>('previewDataset', 'images:q?/../../outside/images?size=8x8');
    await expect(preview).rejects.toThrow(/^the options for q contain a second "\?"/);
    await expect(server.call('previewDataset', 'images:q?/../../outside/images')).rejects.toThrow(/"\?"/);
    // Was: idx: names were never split, so this trained on the files outside.
    await expect(server.call('startTraining', { graph, settings: { dataset: 'idx:q?/../../outside/idx', epochs: 1 }, backend: 'wasm' })).rejects.toThrow(
      /^the folder in "idx:q\?\/\.\.\/\.\.\/outside\/idx" contains "\?"/,
    );
    expect((await server.call<RunListing>('listRuns')).runs).toEqual([]);
  });

  it('refuses dataset folders that lead out of the workspace by "..", by a link, or through a run being evaluated (A1, A2)', async () => {
    await expect(server.call('previewDataset', 'images:link/images?size=8x8')).rejects.toThrow(/is outside the workspace .* \(through a symbolic link\)$/);
    await expect(server.call('previewDataset', 'idx:link/idx')).rejects.toThrow(/through a symbolic link/);
    await expect(server.call('startTraining', { graph, settings: { dataset: 'idx:link/idx', epochs: 1 }, backend: 'wasm' })).rejects.toThrow(/through a symbolic link/);
    await expect(server.call('previewDataset', 'images:../outside/images')).rejects.toThrow(/^the dataset folder "\.\.\/outside\/images" is outside the workspace/);
    // The same datasets inside the workspace are read.
    const inside = await server.call<DatasetPreview>('previewDataset', 'images:data/images?size=8x8');
    expect(inside.classNames).toEqual(['alpha', 'beta']);
    expect((await server.call<DatasetPreview>('previewDataset', 'idx:data/idx')).classNames).toEqual(['0', '1']);
  });

  it('writes nothing through a folder link out of the workspace: save, export, model export (A2)', async () => {
    await expect(server.call('saveGraph', 'link/evil.json', graph)).rejects.toThrow(/^"link\/evil\.json" is outside the workspace .* \(through a symbolic link\)$/);
    await expect(server.call('exportDesign', 'link/model', 'pytorch', graph)).rejects.toThrow(/is outside the workspace/);
    await expect(server.call('exportDesign', 'link/deeper/new/model', 'keras', graph)).rejects.toThrow(/is outside the workspace/);
    expect(existsSync(join(outside, 'evil.json'))).toBe(false);
    expect(existsSync(join(outside, 'model.py'))).toBe(false);
    expect(existsSync(join(outside, 'deeper'))).toBe(false);
  });

  it('checks a file to write after its extension is added, on its real path (C6)', async () => {
    // "escape" is inside; "escape.json", what would be written, is a link to a file outside.
    await expect(server.call('saveGraph', 'escape', graph)).rejects.toThrow(/^"escape" is outside the workspace/);
    await expect(server.call('exportDesign', 'escape', 'keras-json', graph)).rejects.toThrow(/^"escape" is outside the workspace/);
    // Was: saved, with the link kept as escape.json.bak, a way to read the outside file back.
    expect(readFileSync(join(outside, 'target.json'), 'utf8')).toBe('not yours to replace');
    expect(existsSync(join(workspace, 'escape.json.bak'))).toBe(false);
    // An ordinary name still saves, with the extension added.
    expect(await server.call('saveGraph', 'plain', graph)).toEqual({ path: join(workspace, 'plain.json') });
  });

  it('reads nothing through a link, and never echoes a file in its messages (A2)', async () => {
    const refusals = await Promise.all(
      [['openGraph', 'secret-link.json'], ['openGraph', 'link/secret.json'], ['findBackup', 'link/secret.json'], ['openBackup', 'link/secret.json']].map(([call, path]) =>
        server.call(call!, path).then(
          () => 'answered',
          (error: Error) => error.message,
        ),
      ),
    );
    for (const message of refusals) {
      expect(message).toMatch(/is outside the workspace .* \(through a symbolic link\)$/);
      expect(message).not.toContain('secret-first-line');
    }
    // A backup that is a link is no backup of ours: not offered, not opened.
    writeFileSync(join(outside, 'design.json'), JSON.stringify({ ...graph, name: 'outside design' }));
    writeFileSync(join(workspace, 'net.json'), '{"damaged": ');
    symlinkSync(join(outside, 'design.json'), join(workspace, 'net.json.bak'));
    expect(await server.call('findBackup', 'net.json')).toBeNull();
    await expect(server.call('openBackup', 'net.json')).rejects.toThrow(`${join(workspace, 'net.json')} has no backup`);
    // A file inside that is not JSON is named, with where it stops being JSON, and not quoted.
    writeFileSync(join(workspace, 'passwd.json'), `${SECRET}\n`);
    const message = await server.call('openGraph', 'passwd.json').catch((error: Error) => error.message);
    expect(message).toBe(`${join(workspace, 'passwd.json')} is not valid JSON: line 1, column 1: an unexpected character`);
  });

  it('keeps run ids inside the runs folder: a run folder that links outside is never read or written (A2)', async () => {
    const outsideRun = join(outside, 'runs', readdirSync(join(outside, 'runs'))[0]!);
    const outsideRecord = readFileSync(join(outsideRun, 'run.json'), 'utf8');
    for (const [call, ...args] of [['renameRun', 'evil', 'renamed'], ['setRunNote', 'evil', 'a note'], ['runDetails', 'evil'], ['deleteRun', 'evil'], ['evaluateRun', 'evil', 'best'], ['featureMaps', 'evil', 0], ['exportRunModel', 'evil', 'exported']] as const) {
      await expect(server.call(call, ...args), call).rejects.toThrow(/evil leads outside the runs folder .* \(a symbolic link\); it is not used as a run$/);
    }
    expect(readFileSync(join(outsideRun, 'run.json'), 'utf8')).toBe(outsideRecord);
    expect(existsSync(join(workspace, 'exported'))).toBe(false);
  });

  it('lists the good entries of a folder and the bad ones as skipped, with why (A6)', async () => {
    writeFileSync(join(workspace, 'good.json'), JSON.stringify(graph));
    symlinkSync(join(root, 'nowhere.json'), join(workspace, 'dangling.json'));
    symlinkSync(join(workspace, 'loop-b.json'), join(workspace, 'loop-a.json'));
    symlinkSync(join(workspace, 'loop-a.json'), join(workspace, 'loop-b.json'));
    mkfifo(join(workspace, 'pipe.json'));
    mkdirSync(join(workspace, 'folder.json'));
    const listed = await server.call<GraphFileInfo[]>('listFiles', 'graph');
    const byPath = new Map(listed.map((file) => [file.path, file]));
    expect(byPath.get('good.json')).toEqual({ path: 'good.json', modified: expect.stringMatching(/^\d{4}-/) });
    expect(byPath.get('dangling.json')).toEqual({ path: 'dangling.json', modified: null, skipped: 'a symbolic link to something that does not exist' });
    expect(byPath.get('loop-a.json')).toEqual({ path: 'loop-a.json', modified: null, skipped: 'a symbolic link in a loop of links' });
    expect(byPath.get('pipe.json')).toEqual({ path: 'pipe.json', modified: null, skipped: 'a FIFO (named pipe), not a graph file' });
    expect(byPath.get('folder.json')).toEqual({ path: 'folder.json', modified: null, skipped: 'a folder, not a graph file' });
    expect(byPath.get('secret-link.json')).toEqual({ path: 'secret-link.json', modified: null, skipped: 'a symbolic link that leads outside the workspace' });
    // Openable files first, the skipped ones after them.
    const firstSkipped = listed.findIndex((file) => file.skipped !== undefined);
    expect(listed.slice(firstSkipped).every((file) => file.skipped !== undefined)).toBe(true);

    const run = await writeRun(runsRoot, 'a good run');
    mkdirSync(join(runsRoot, 'broken'));
    writeFileSync(join(runsRoot, 'broken', 'run.json'), '{}');
    const runs = await server.call<RunListing>('listRuns');
    expect(runs.runs.map((r) => r.dir)).toEqual([run]);
    expect(runs.skipped).toEqual([
      { path: join(runsRoot, 'broken'), reason: `${join(runsRoot, 'broken', 'run.json')} is not a run record: status: Invalid input: expected string, received undefined` },
      { path: join(runsRoot, 'evil'), reason: `${join(runsRoot, 'evil')} leads outside the runs folder ${runsRoot} (a symbolic link); it is not used as a run` },
    ]);
  });
});

describe('the browser-mode server, whose runs folder is a link out of the workspace (A2)', () => {
  let server: WebProcess;
  const linkedWorkspace = join(root, 'linked-runs-workspace');
  beforeAll(async () => {
    mkdirSync(linkedWorkspace, { recursive: true });
    const elsewhere = join(root, 'elsewhere-runs');
    await writeRun(elsewhere, 'a run elsewhere');
    symlinkSync(elsewhere, join(linkedWorkspace, 'runs'));
    server = await startWebProcess({ workspace: linkedWorkspace, stateDir: join(root, 'linked-state') });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('neither lists, writes nor trains into it', async () => {
    const refusal = `the runs folder ${join(linkedWorkspace, 'runs')} leads outside the workspace ${linkedWorkspace} (a symbolic link); the browser mode keeps runs in the workspace`;
    await expect(server.call('listRuns')).rejects.toThrow(refusal);
    const [run] = readdirSync(join(root, 'elsewhere-runs'));
    await expect(server.call('renameRun', run, 'renamed')).rejects.toThrow(refusal);
    await expect(server.call('setRunNote', run, 'note')).rejects.toThrow(refusal);
    await expect(server.call('startTraining', { graph, settings: { dataset: 'mnist', epochs: 1, limit: 10 }, backend: 'wasm' })).rejects.toThrow(refusal);
    expect(readdirSync(join(root, 'elsewhere-runs'))).toEqual([run]);
    expect(JSON.parse(readFileSync(join(root, 'elsewhere-runs', run!, 'run.json'), 'utf8'))).toMatchObject({ name: 'a run elsewhere' });
  });
});

describe('the browser-mode server, given FIFOs where files should be (A3)', () => {
  let server: WebProcess;
  const fifoWorkspace = join(root, 'fifo-workspace');
  const stateDir = join(root, 'fifo-state');
  beforeAll(async () => {
    mkdirSync(join(fifoWorkspace, 'runs', 'fifo-run'), { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    mkfifo(join(fifoWorkspace, 'pipe.json'));
    mkfifo(join(stateDir, 'recent-files.json'));
    mkfifo(join(fifoWorkspace, 'runs', 'fifo-run', 'run.json'));
    writeDatasets(join(fifoWorkspace, 'data'));
    mkfifo(join(fifoWorkspace, 'data', 'images', 'alpha', 'pipe.png'));
    rmSync(join(fifoWorkspace, 'data', 'idx', 't10k-labels-idx1-ubyte'));
    mkfifo(join(fifoWorkspace, 'data', 'idx', 't10k-labels-idx1-ubyte'));
    writeFileSync(join(fifoWorkspace, 'good.json'), JSON.stringify(graph));
    server = await startWebProcess({ workspace: fifoWorkspace, stateDir });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a FIFO by its type, five times over, and keeps answering every other call', async () => {
    // The recent list is a FIFO too: read as none, not waited on (a save then replaces it).
    expect(await server.callWithin(5_000, 'recentFiles')).toEqual([]);
    // Was: each call blocked a file-system thread on open(); after four, every file call of the server hung.
    const answers = await Promise.all(Array.from({ length: 5 }, () => server.callWithin(5_000, 'openGraph', 'pipe.json').catch((error: Error) => error.message)));
    expect(answers).toEqual(Array(5).fill(`cannot read ${join(fifoWorkspace, 'pipe.json')}: it is a FIFO (named pipe), not a regular file`));
    expect(await server.callWithin(5_000, 'openGraph', 'good.json')).toMatchObject({ path: join(fifoWorkspace, 'good.json') });
    await expect(server.callWithin(5_000, 'saveGraph', 'pipe.json', graph)).rejects.toThrow('"pipe.json" names a FIFO (named pipe), not a file that can be written; choose another name');
  });

  it('answers with the FIFO named wherever one stands for a file: run record, images, IDX', async () => {
    const runs = await server.callWithin<RunListing>(5_000, 'listRuns');
    expect(runs).toEqual({ runs: [], skipped: [{ path: join(fifoWorkspace, 'runs', 'fifo-run'), reason: `cannot read ${join(fifoWorkspace, 'runs', 'fifo-run', 'run.json')}: it is a FIFO (named pipe), not a regular file` }] });
    const preview = await server.callWithin<DatasetPreview>(5_000, 'previewDataset', 'images:data/images');
    expect(preview).not.toBe('timeout');
    expect((preview as DatasetPreview).skipped).toContainEqual({ path: join(fifoWorkspace, 'data', 'images', 'alpha', 'pipe.png'), reason: 'it is a FIFO (named pipe), not a regular file or folder' });
    const idx = await server.callWithin(5_000, 'previewDataset', 'idx:data/idx').catch((error: Error) => error.message);
    expect(idx).toMatch(/lacks t10k-labels-idx1-ubyte\[\.gz\] \(3 of the 4 IDX files found\); t10k-labels-idx1-ubyte is a FIFO \(named pipe\), not a regular file$/);
  });
});
