/** What is refused before the first batch, with a message instead of an error from inside tfjs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { ImageDataset } from '../../main/data/dataset.ts';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { checkTrainingSetup } from '../../main/train/setup-checks.ts';
import { solid, tempFolder, writePng } from '../data/image-fixtures.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { chainOf } from '../support/graphs.ts';

const settings = trainingSettingsSchema.parse({ batchSize: 2 });

/** A 4×4×3 dataset of `classes` classes with 4 training and 2 test images. */
function dataset(classNames: string[]): ImageDataset {
  const split = (count: number) => ({ count, pixels: new Uint8Array(count * 48), labels: new Uint8Array(count).map((_, i) => i % classNames.length) });
  return { name: 'tiny', shape: [4, 4, 3], classNames, train: split(4), test: split(2), normalization: { mean: 0, std: 1 } };
}

/** Input 4×4×3 → flatten → dense of `units` → output. */
const graph = (units: number) => analyzeGraph(chainOf([4, 4, 3], [{ type: 'flatten' }, { type: 'dense', params: { units } }, { type: 'output' }]));

describe('checkTrainingSetup', () => {
  it('refuses a one-class dataset whatever the graph ends in: a classifier needs two classes', () => {
    expect(() => checkTrainingSetup(graph(1), dataset(['only']), settings)).toThrow('the dataset tiny has only one class, "only"; a classifier needs at least 2 classes to tell apart');
    expect(() => checkTrainingSetup(graph(2), dataset(['only']), settings)).toThrow('only one class');
  });

  it('refuses a graph whose outputs do not match the classes', () => {
    expect(() => checkTrainingSetup(graph(1), dataset(['a', 'b']), settings)).toThrow('the graph ends in 1 class scores but tiny has 2 classes; change the last layer to 2 outputs');
  });

  it('accepts two classes and two outputs', () => {
    expect(() => checkTrainingSetup(graph(2), dataset(['a', 'b']), settings)).not.toThrow();
  });
});

describe('cnn-studio train on a one-class folder', () => {
  it('says in one line that a classifier needs two classes, instead of tfjs\' categorical-crossentropy error', async () => {
    const folder = tempFolder('one-class');
    for (let i = 0; i < 12; i++) writePng(join(folder, 'only', `${i}.png`), 4, 4, solid(4, 4, [i * 20, 0, 0]));
    const file = join(mkdtempSync(join(tmpdir(), 'cnn-studio-one-class-')), 'one-output.json');
    writeFileSync(file, JSON.stringify(chainOf([4, 4, 3], [{ type: 'flatten' }, { type: 'dense', params: { units: 1 } }, { type: 'output' }])));
    const result = await runCli(['train', file, '--dataset', `images:${folder}`, '--epochs', '1', '--batch', '2', '--no-save']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`error: the dataset ${folder.split('/').pop()} has only one class, "only"; a classifier needs at least 2 classes to tell apart`);
    expect(hasStackTrace(result.stderr)).toBe(false);
  }, 60_000);
});
