import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { appendMetricLines, createRunFolder, writeRunRecord } from '../../main/runs/run-folder.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import { runCli } from '../support/cli.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

describe('cnn-studio diff and runs', () => {
  it('names what changed between two rounds, blocks and training settings', async () => {
    const result = await runCli(['diff', 'resources/journey/round-07.json', 'resources/journey/round-09.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+ dropout1: Dropout rate 0.1');
    expect(result.stdout).toContain('~ training: rotation ±0° → ±7°');
    expect(result.stdout).toContain('Trainable parameters: 9,896 → 9,896 (+0)');
  });

  it('lists a trained run with its parameters and accuracies, and diffs it against a graph file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-runs-'));
    expect((await runCli(['train', 'resources/journey/round-06.json', '--epochs', '1', '--limit', '64', '--batch', '32', '--out', out])).code).toBe(0);
    const listed = await runCli(['runs', out, '--json']);
    expect(listed.code).toBe(0);
    const [run] = JSON.parse(listed.stdout);
    expect(run).toMatchObject({ name: 'Journey round 6: Global average pooling', status: 'finished', trainableParams: 5688, epochs: 1, backend: 'wasm' });
    const table = await runCli(['runs', out]);
    expect(table.stdout).toMatch(/│ Journey round 6: Global average pooling │ finished │\s+5,688 │/);
    const diff = await runCli(['diff', run.dir, 'resources/journey/round-07.json']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('Trainable parameters: 5,688 → 9,896 (+4,208)');
    // The run recorded its validation split as the 5 images auto held out of 64.
    expect(diff.stdout).toContain('~ training: validation split 5 images → auto (a twelfth, at most 5,000); epochs 1 → 20; batch size 32 → 128; images 64 → all');
  }, 120_000);

  it('says "epoch 4 of 15" for a run in its fourth epoch, and which split chose each best epoch', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-runs-progress-'));
    const dir = await createRunFolder(root, loadPreset(journeyPath(10)), trainingSettingsSchema.parse({ epochs: 15 }));
    // This process stands in for the training process: alive, on this host, three epochs done.
    await writeRunRecord(dir, { ...newRunRecord('in progress', 'wasm'), pid: process.pid, epochsDone: 3, epochsPlanned: 15 });
    for (const n of [1, 2, 3]) {
      await appendMetricLines(dir, [
        { type: 'epoch', epoch: n, trainLoss: 0.1, trainAccuracy: 0.98, cleanTrainLoss: 0.05, cleanTrainAccuracy: 0.99, validationLoss: 0.06, validationAccuracy: 0.985 + n / 1000, testLoss: 0.06, testAccuracy: 0.984, learningRate: 0.05, seconds: 30, imagesPerSecond: 2000, selectedBy: 'validation', bestEpoch: n, bestValidationAccuracy: 0.985 + n / 1000, bestTestAccuracy: 0.984, tensors: 50 },
      ]);
    }
    const table = await runCli(['runs', root]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ in progress +│ running +│ +9,896 │ +1,295,552 │ epoch 4 of 15 │ +3 by val\. │ +98\.80 % │ +98\.40 % │ +99\.00 % │ +0\.20 pt │/);
    expect(table.stdout).toContain('"by val."');
  });

  it('says so when there are no runs yet', async () => {
    const result = await runCli(['runs', join(tmpdir(), 'no-runs-here')]);
    expect(result.stdout).toContain('No runs in');
  });

  it('refuses a design it cannot read', async () => {
    const result = await runCli(['diff', 'nope.json', 'resources/journey/round-07.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read nope.json: no such file/);
  });
});

describe('cnn-studio import', () => {
  it('writes a Keras topology as a graph that summarises to the same parameters', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-import-')), 'resnet.json');
    const imported = await runCli(['import', 'tests/fixtures/keras/keras3-functional-resnet.json', '--out', out]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/Wrote .*resnet\.json: 23 blocks/);
    const summary = JSON.parse((await runCli(['summary', out, '--json'])).stdout);
    expect(summary.params).toMatchObject({ trainable: 19_994, nonTrainable: 288 });
  });

  it('lists the layers it does not know, by name', async () => {
    const result = await runCli(['import', 'tests/fixtures/keras/keras2-functional-unsupported.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unsupported layers: "[^"]+" \(\w+\)/);
  });
});

describe('cnn-studio export', () => {
  it('prints round 10 as a PyTorch module that expects 9,896 trainable parameters', async () => {
    const result = await runCli(['export', 'resources/journey/round-10.json', '--format', 'pytorch']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('EXPECTED_TRAINABLE_PARAMS = 9896');
    expect(result.stdout).toContain('self.conv4 = nn.Conv2d(16, 32, kernel_size=3, bias=False)');
  });

  it('writes Keras code and Keras JSON to files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cli-export-'));
    expect((await runCli(['export', 'resources/presets/small-resnet.json', '--format', 'keras', '--out', join(folder, 'resnet.py')])).code).toBe(0);
    expect(readFileSync(join(folder, 'resnet.py'), 'utf8')).toContain('keras.Model(');
    expect((await runCli(['export', 'resources/presets/small-resnet.json', '--format', 'keras-json', '--out', join(folder, 'resnet.json')])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, 'resnet.json'), 'utf8')).class_name).toBe('Model');
  });

  it("refuses a tfjs export of a design that was never trained", async () => {
    const result = await runCli(['export', 'resources/journey/round-10.json', '--format', 'tfjs', '--out', tmpdir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format tfjs exports a trained model: give a run folder');
  });
});
