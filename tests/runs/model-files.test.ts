import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { loadModel, saveModel } from '../../main/runs/model-files.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model files of a run', () => {
  it('save over the previous epoch and load back the same predictions, leaving no temporary files', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'cnn-studio-model-')), 'best');
    const graph = loadPreset(journeyPath(10));
    const first = compileGraph(tf, graph, { seed: 1 });
    const second = compileGraph(tf, graph, { seed: 2 });
    await saveModel(tf, first, folder);
    await saveModel(tf, second, folder);
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);

    const loaded = await loadModel(tf, folder);
    const image = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 7);
    const expected = (second.predict(image) as tf.Tensor).arraySync();
    expect((first.predict(image) as tf.Tensor).arraySync()).not.toEqual(expected);
    expect((loaded.predict(image) as tf.Tensor).arraySync()).toEqual(expected);
  });
});
