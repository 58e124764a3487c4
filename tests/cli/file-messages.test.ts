/**
 * Files that are not what a command expects, through the real `cnn-studio` command: each gets
 * exit code 2 and ONE line on stderr that names the file and what is wrong with it, at once
 * (a FIFO used to hang `summary` for ever, /dev/zero to take 5 s and 725 MB before "Invalid
 * string length"), and never a line of the file itself. A UTF-8 byte-order mark is accepted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, REPO, runCli } from '../support/cli.ts';
import { idxBytes } from '../data/image-fixtures.ts';

const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const round10 = readFileSync(join(REPO, 'resources', 'journey', 'round-10.json'), 'utf8');
const BOM = '\uFEFF';

function file(name: string, contents: string | Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, contents);
  return path;
}

function fifo(name: string): string {
  const path = join(folder, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** A Keras functional model whose second layer's inbound nodes nest `depth` lists deep. */
function deeplyNestedKeras(depth: number): string {
  const deep = `${'['.repeat(depth)}"in", 0, 0${']'.repeat(depth)}`;
  return `{"class_name": "Functional", "config": {"name": "deep", "layers": [
    {"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 8, 8, 1], "name": "in"}, "inbound_nodes": []},
    {"class_name": "Flatten", "name": "f", "config": {"name": "f"}, "inbound_nodes": ${deep}}],
    "input_layers": [["in", 0, 0]], "output_layers": [["f", 0, 0]]}}`;
}

/** Exit code 2 and exactly one line on stderr, which matches `message` and quotes nothing of the file. */
async function expectOneLine(args: string[], message: RegExp | string): Promise<void> {
  const result = await runCli(args, { timeoutMs: 30_000 });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(lines[0]).toBe(message);
  else expect(lines[0]).toMatch(message);
  expect(result.code).toBe(2);
  expect(hasStackTrace(result.stderr)).toBe(false);
}

describe('files that are not what the command expects', () => {
  it('refuses a FIFO by its type at once, in summary, train, import, diff and export', async () => {
    const pipe = fifo('pipe.json');
    const refusal = `error: cannot read ${pipe}: it is a FIFO (named pipe), not a regular file`;
    await expectOneLine(['summary', pipe], refusal);
    await expectOneLine(['train', pipe, '--epochs', '1'], refusal);
    await expectOneLine(['import', pipe], refusal);
    await expectOneLine(['diff', pipe, join(REPO, 'resources', 'journey', 'round-10.json')], `error: cannot read ${pipe}: it is a FIFO (named pipe), not a regular file`);
    await expectOneLine(['export', pipe, '--format', 'pytorch'], `error: cannot read ${pipe}: it is a FIFO (named pipe), not a regular file`);
  });

  it('refuses /dev/zero by its type, before reading a byte of it', async () => {
    await expectOneLine(['summary', '/dev/zero'], 'error: cannot read /dev/zero: it is a character device, not a regular file');
  });

  it('accepts a UTF-8 byte-order mark at the start of a graph file and of a Keras file', async () => {
    const plain = await runCli(['summary', join(REPO, 'resources', 'journey', 'round-10.json')]);
    const withBom = await runCli(['summary', file('bom.json', `${BOM}${round10}`)]);
    expect(withBom.stderr).toBe('');
    expect(withBom.code).toBe(0);
    expect(withBom.stdout).toBe(plain.stdout);
    const keras = readFileSync(join(REPO, 'tests', 'fixtures', 'keras', 'tfjs-converted-lenet5.json'), 'utf8');
    const kerasWithBom = await runCli(['summary', file('bom-keras.json', `${BOM}${keras}`)]);
    expect(kerasWithBom.code).toBe(0);
    expect(kerasWithBom.stdout).toContain('Total params');
  });

  it('names the line and column of a NaN, without quoting the file', async () => {
    const withNaN = round10.replace('"filters": 8', '"filters": NaN');
    expect(withNaN).not.toBe(round10);
    const path = file('nan.json', withNaN);
    const line = withNaN.slice(0, withNaN.indexOf('NaN')).split('\n').length;
    const column = withNaN.indexOf('NaN') - withNaN.lastIndexOf('\n', withNaN.indexOf('NaN'));
    await expectOneLine(['summary', path], `error: ${path} is not valid JSON: line ${line}, column ${column}: NaN is not a JSON value (write a number or null)`);
  });

  it('says a binary file holds binary data, and a UTF-16 file is UTF-16', async () => {
    const png = file('picture.json', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x0a, 0x0a]));
    await expectOneLine(['summary', png], `error: ${png} holds binary data (a zero byte at offset 8), not JSON text`);
    const utf16 = file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(round10, 'utf16le')]));
    await expectOneLine(['summary', utf16], `error: ${utf16} is UTF-16 text; JSON files are read as UTF-8 (save it as UTF-8)`);
  });

  it('refuses a Keras file nested 100,000 deep by its depth, not with a stack overflow', async () => {
    const path = file('deep-keras.json', deeplyNestedKeras(100_000));
    await expectOneLine(['summary', path], `error: ${path} nests more than 64 levels deep, deeper than any real document`);
    await expectOneLine(['import', path], `error: ${path} nests more than 64 levels deep, deeper than any real document`);
  });

  it('refuses a dataset name with two readings before a training process starts, and a FIFO among IDX files by its type', async () => {
    await expectOneLine(
      ['train', join(REPO, 'resources', 'journey', 'round-10.json'), '--dataset', 'images:q?/../../elsewhere?size=8x8'],
      'error: invalid training settings: dataset: the options for q contain a second "?"; a dataset name has one "?", before its options, and a folder name may not contain one',
    );
    const idx = join(folder, 'idx');
    mkdirSync(idx);
    writeFileSync(join(idx, 'train-images-idx3-ubyte'), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(idx, 'train-labels-idx1-ubyte'), idxBytes([1], [0]));
    writeFileSync(join(idx, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    execFileSync('mkfifo', [join(idx, 't10k-labels-idx1-ubyte')]);
    await expectOneLine(
      ['dataset', `idx:${idx}`],
      `error: the IDX folder ${idx} lacks t10k-labels-idx1-ubyte[.gz] (3 of the 4 IDX files found); t10k-labels-idx1-ubyte is a FIFO (named pipe), not a regular file`,
    );
  });
});

describe('cnn-studio runs over a runs folder with bad entries', () => {
  it('lists the good runs and says on stderr, one line each, which entries it skipped and why', async () => {
    const runs = join(folder, 'runs');
    mkdirSync(join(runs, 'broken'), { recursive: true });
    writeFileSync(join(runs, 'broken', 'run.json'), '{"status": NaN}');
    mkdirSync(join(runs, 'piped'));
    execFileSync('mkfifo', [join(runs, 'piped', 'run.json')]);
    const result = await runCli(['runs', runs], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No runs in');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `skipped ${join(runs, 'broken')}: ${join(runs, 'broken', 'run.json')} is not valid JSON: line 1, column 12: NaN is not a JSON value (write a number or null)`,
      `skipped ${join(runs, 'piped')}: cannot read ${join(runs, 'piped', 'run.json')}: it is a FIFO (named pipe), not a regular file`,
    ]);
  });
});
