/**
 * A save never replaces a file of another format, and an export never replaces a graph: saving a
 * design imported from Keras used to rewrite that Keras file in the studio's format.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudioService } from '../../main/api/studio-service.ts';
import { formatOfFile } from '../../main/files/file-format.ts';
import { readGraphFile } from '../../main/files/read-graph-file.ts';
import { writeExport } from '../../main/files/write-export.ts';
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { REPO, runCli } from '../support/cli.ts';
import { chainOf } from '../support/graphs.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'cnn-studio-foreign-'));
const graph = { ...chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 2, kernelSize: 3 } }]), name: 'net' };
const KERAS = join(REPO, 'tests/fixtures/keras/keras2-sequential-round07.json');
const TFJS = join(REPO, 'tests/fixtures/keras/tfjs-converted-lenet5.json');

function copyInto(folder: string, source: string, name: string): string {
  const file = join(folder, name);
  copyFileSync(source, file);
  return file;
}

describe('saving over a file of another format', () => {
  it.each([
    ['a Keras model', KERAS, 'a Keras model file'],
    ['a TensorFlow.js model', TFJS, 'a TensorFlow.js model file'],
  ])('refuses to replace %s, which stays as it was with no backup made', async (_what, source, description) => {
    const folder = scratch();
    const file = copyInto(folder, source, 'model.json');
    const before = readFileSync(file, 'utf8');
    await expect(writeGraphFile(file, graph)).rejects.toThrow(`not saved: ${file} is ${description}, which a save never overwrites; save the design under another name`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('refuses to replace JSON that is not a graph, and replaces a damaged graph (its backup offer brought the user here)', async () => {
    const folder = scratch();
    const other = join(folder, 'package.json');
    writeFileSync(other, '{"name": "not a graph"}');
    await expect(writeGraphFile(other, graph)).rejects.toThrow(`${other} is not a CNN Studio graph`);
    const damaged = join(folder, 'net.json');
    writeFileSync(damaged, JSON.stringify(graph).slice(0, 40));
    await writeGraphFile(damaged, graph);
    expect(JSON.parse(readFileSync(damaged, 'utf8')).name).toBe('net');
  });

  it('refuses through the studio service and the CLI alike', async () => {
    const workspace = scratch();
    const file = copyInto(workspace, KERAS, 'mnist.json');
    const before = readFileSync(file, 'utf8');
    const service = createStudioService({ kind: 'browser', workspace, runsRoot: join(workspace, 'runs'), resourcesDir: join(REPO, 'resources'), stateDir: join(workspace, '.state'), emitTrainingEvent: () => {} });
    const opened = await service.openGraph('mnist.json');
    expect(opened.imported).toBe('keras');
    await expect(service.saveGraph('mnist.json', opened.graph)).rejects.toThrow(/is a Keras model file, which a save never overwrites/);
    const cli = await runCli(['import', file, '--out', file]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('is a Keras model file, which a save never overwrites');
    expect(readFileSync(file, 'utf8')).toBe(before);
    service.dispose();
  });
});

describe('exporting over a graph', () => {
  it('refuses to replace a CNN Studio graph, and replaces an earlier export', async () => {
    const folder = scratch();
    const design = join(folder, 'net.json');
    await writeGraphFile(design, graph);
    const before = readFileSync(design, 'utf8');
    await expect(writeExport(design, graph, 'keras-json')).rejects.toThrow(`not exported: ${design} is a CNN Studio graph, which an export never overwrites; export under another name`);
    expect(readFileSync(design, 'utf8')).toBe(before);
    const round10 = await readGraphFile(join(REPO, 'resources/journey/round-10.json'));
    if (!round10.ok) throw new Error('round 10 does not load');
    const exported = join(folder, 'net_keras.json');
    await writeExport(exported, round10.graph, 'keras-json');
    await writeExport(exported, round10.graph, 'keras-json');
    expect(await formatOfFile(exported)).toBe('keras');
  });
});

describe('the format a file was read from', () => {
  it('is told apart: a studio graph, a Keras topology, a TensorFlow.js model', async () => {
    const folder = scratch();
    const design = join(folder, 'net.json');
    await writeGraphFile(design, graph);
    expect(await readGraphFile(design)).toMatchObject({ ok: true, format: 'cnn-studio' });
    expect(await readGraphFile(KERAS)).toMatchObject({ ok: true, format: 'keras' });
    expect(await readGraphFile(TFJS)).toMatchObject({ ok: true, format: 'tfjs' });
    expect(await formatOfFile(join(folder, 'missing.json'))).toBe('absent');
  });
});
