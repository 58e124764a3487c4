import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { appendMetricLines, createRunFolder, writeRunRecord } from '../../main/runs/run-folder.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cnn-studio-summary-'));
function scratchFile(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** A truncated `saved.json` beside the `.bak` an earlier save left. */
function damagedWithBackup(): string {
  scratchFile('saved.json.bak', '{}');
  return scratchFile('saved.json', '{"nodes": [');
}

describe('cnn-studio summary', () => {
  it('prints round 10 with 9,896 trainable parameters and a 28×28 receptive field', async () => {
    const result = await runCli(['summary', 'resources/journey/round-10.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Trainable params:\s+9,896/);
    expect(result.stdout).toMatch(/Non-trainable params:\s+192/);
    expect(result.stdout).toMatch(/Output receptive field:\s+28×28 \(covers the whole input\)/);
    expect(result.stdout).toMatch(/│ conv4\s+│ Conv2d\s+│ 3×3, 32 filters, no bias\s+│ 8×8×32\s+│\s+4,608 │\s+46.6 %/);
    // Round 10 says nothing of initialisation: the summary states the default.
    expect(result.stdout).toMatch(/^Initialisation:\s+Glorot uniform, the default \(Keras' own; PyTorch's xavier_uniform_\); biases zero$/m);
  });

  it('states the initialisation a design asks for', async () => {
    const graph = JSON.parse(readFileSync('resources/journey/round-10.json', 'utf8'));
    graph.training.init = 'kaimingNormal';
    const result = await runCli(['summary', scratchFile('kaiming.json', JSON.stringify(graph))]);
    expect(result.stdout).toMatch(/^Initialisation:\s+Kaiming normal \(PyTorch's kaiming_normal_, fan-in, ReLU gain\); biases zero$/m);
    expect(JSON.parse((await runCli(['summary', scratchFile('kaiming.json', JSON.stringify(graph)), '--json'])).stdout).initialisation).toBe('kaimingNormal');
  });

  it("summarises a run folder: its graph, then the best epoch, what chose it, and its validation, test and clean train accuracy", async () => {
    const root = mkdtempSync(join(tmpdir(), 'cnn-studio-summary-run-'));
    const dir = await createRunFolder(root, loadPreset(journeyPath(10)), trainingSettingsSchema.parse({ epochs: 2, validation: 5000 }));
    await writeRunRecord(dir, { ...newRunRecord('round 10', 'wasm'), status: 'finished', epochsDone: 2, epochsPlanned: 2 });
    const best = { selectedBy: 'validation', bestEpoch: 1, bestValidationAccuracy: 0.9912, bestTestAccuracy: 0.9905 };
    await appendMetricLines(dir, [
      { type: 'epoch', epoch: 1, trainLoss: 0.1, trainAccuracy: 0.98, cleanTrainLoss: 0.03, cleanTrainAccuracy: 0.9931, validationLoss: 0.03, validationAccuracy: 0.9912, testLoss: 0.03, testAccuracy: 0.9905, learningRate: 0.05, seconds: 30, imagesPerSecond: 2000, ...best, tensors: 50 },
      { type: 'epoch', epoch: 2, trainLoss: 0.1, trainAccuracy: 0.981, cleanTrainLoss: 0.03, cleanTrainAccuracy: 0.994, validationLoss: 0.03, validationAccuracy: 0.9908, testLoss: 0.03, testAccuracy: 0.9921, learningRate: 0.05, seconds: 30, imagesPerSecond: 2000, ...best, tensors: 50 },
    ]);
    const result = await runCli(['summary', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Trainable params:\s+9,896/);
    expect(result.stdout).toContain(
      [
        `Run:                    round 10 (${dir.split('/').pop()}), finished, 2 epochs`,
        'Best epoch:             1, chosen on validation accuracy',
        'Validation accuracy:    99.12 %',
        'Test accuracy:          99.05 %',
        'Train accuracy:         99.31 % (clean pass)',
      ].join('\n'),
    );
    const json = JSON.parse((await runCli(['summary', dir, '--json'])).stdout);
    expect(json.run).toMatchObject({ bestEpoch: 1, selectedBy: 'validation', bestValidationAccuracy: 0.9912, bestTestAccuracy: 0.9905 });

    const old = await runCli(['summary', 'tests/fixtures/runs/without-checkpoint']);
    expect(old.stdout).toContain('Best epoch:             2, chosen on test accuracy (the run has no validation split)\nValidation accuracy:    –\nTest accuracy:          35.94 %\nTrain accuracy:         28.13 % (measured while dropout and augmentation acted)');
  });

  it('prints the same as JSON with --json', async () => {
    const result = await runCli(['summary', 'resources/journey/round-10.json', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.params).toEqual({ trainable: 9896, nonTrainable: 192, total: 10088 });
    expect(summary.macs).toBe(1_295_552);
    expect(summary.receptiveField).toEqual([28, 28]);
    expect(summary.outputShape).toEqual([10]);
    expect(summary.layers).toHaveLength(30);
    expect(summary.layers[1]).toMatchObject({ id: 'conv1', type: 'conv2d', outputShape: [26, 26, 8], params: { trainable: 72 }, receptiveField: [3, 3], macs: 48_672 });
  });

  it('reads a Keras model.to_json() topology', async () => {
    const result = await runCli(['summary', 'tests/fixtures/keras/keras2-sequential-round07.json', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).params.trainable).toBe(9896);
  });

  it('counts the frozen layers of a Keras file as Keras does (reports/02: 67 + 8,304 = 8,371)', async () => {
    const result = await runCli(['summary', 'tests/fixtures/reports/02-frozen-layers.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Trainable params:\s+67\n/);
    expect(result.stdout).toMatch(/Non-trainable params:\s+8,304\n/);
    expect(result.stdout).toMatch(/Total params:\s+8,371\n/);
    expect(result.stdout).toMatch(/│ frozen_fc\s+│ Dense\s+│ 16, frozen\s+│ 16\s+│\s+0 │\s+│\s+8,208 │/);
    expect(result.stderr).toBe('');
  });

  it('reads a TensorFlow.js model.json', async () => {
    const result = await runCli(['summary', 'tests/fixtures/keras/tfjs-converted-lenet5.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Trainable params:\s+61,706/);
  });

  it('lists unsupported Keras layers by name and exits 2', async () => {
    const result = await runCli(['summary', 'tests/fixtures/keras/keras2-functional-unsupported.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unsupported layers: "[^"]+" \(\w+\)/);
  });

  it('exits 1 and prints the diagnostics of an invalid graph, with the valid part still summarised', async () => {
    const graph = {
      format: 'cnn-studio/graph',
      version: 2,
      nodes: [
        { id: 'in', type: 'input', params: { height: 3, width: 3, channels: 1 } },
        { id: 'big', type: 'conv2d', params: { filters: 4, kernelSize: 7 } },
        { id: 'out', type: 'output' },
      ],
      edges: [{ source: 'in', target: 'big' }, { source: 'big', target: 'out' }],
    };
    const result = await runCli(['summary', scratchFile('broken.json', JSON.stringify(graph))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error  big: the 7×7 kernel does not fit the 3×3 input');
    expect(result.stdout).toMatch(/│ in\s+│ Input/);
  });

  it('marks the totals of a partly broken graph as lower bounds, naming the unresolved blocks', async () => {
    // conv1 (3·9·4 + 4 = 112) is fine; big's 7×7 kernel does not fit its 3×3 map, so big, the GAP
    // and the dense after it are unknown.
    const graph = {
      format: 'cnn-studio/graph',
      version: 2,
      nodes: [
        { id: 'in', type: 'input', params: { height: 5, width: 5, channels: 3 } },
        { id: 'conv1', type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
        { id: 'big', type: 'conv2d', params: { filters: 4, kernelSize: 7 } },
        { id: 'gap', type: 'globalAvgPool' },
        { id: 'fc', type: 'dense', params: { units: 2 } },
        { id: 'out', type: 'output' },
      ],
      edges: [['in', 'conv1'], ['conv1', 'big'], ['big', 'gap'], ['gap', 'fc'], ['fc', 'out']].map(([source, target]) => ({ source, target })),
    };
    const file = scratchFile('partial.json', JSON.stringify(graph));
    const text = await runCli(['summary', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Trainable params:\s+≥ 112; 4 blocks unresolved\n/);
    expect(text.stdout).toMatch(/Total params:\s+≥ 112\n/);
    expect(text.stdout).toMatch(/Unresolved blocks:\s+big, gap, fc, out\n/);
    const json = JSON.parse((await runCli(['summary', file, '--json'])).stdout);
    expect(json).toMatchObject({ partial: true, unresolved: ['big', 'gap', 'fc', 'out'], params: { trainable: 112 } });
  });

  it('marks every total of a graph whose analysis stops at once (no Input block), rather than printing 0', async () => {
    const graph = {
      format: 'cnn-studio/graph',
      version: 2,
      nodes: [{ id: 'fc', type: 'dense', params: { units: 2 } }, { id: 'out', type: 'output' }],
      edges: [{ source: 'fc', target: 'out' }],
    };
    const result = await runCli(['summary', scratchFile('stopped.json', JSON.stringify(graph))]);
    expect(result.stdout).toMatch(/Total params:\s+≥ 0\n/);
    expect(result.stdout).toMatch(/Trainable params:\s+≥ 0; 2 blocks unresolved\n/);
  });

  it('says which input pixels never reach the output (reports/16: 23 of 144)', async () => {
    const result = await runCli(['summary', 'tests/fixtures/reports/16-rf-coverage-padding.json']);
    expect(result.stdout).toMatch(/Output receptive field:\s+12×12 \(misses 23 of the 144 input pixels\)\n/);
    const json = JSON.parse((await runCli(['summary', 'tests/fixtures/reports/16-rf-coverage-padding.json', '--json'])).stdout);
    expect(json.coverage).toMatchObject({ seen: 121, total: 144 });
    expect(json.partial).toBe(false);
  });

  it.each([
    ['a missing file', ['summary', 'no/such/file.json'], /cannot read no\/such\/file.json: no such file/],
    ['a folder', ['summary', 'resources'], /cannot read resources: it is a folder, not a file/],
    ['malformed JSON', ['summary', scratchFile('bad.json', '{"format": "cnn-studio/graph",')], /is not valid JSON \(it ends early: the file looks truncated\)/],
    ['a damaged file with a backup', ['summary', damagedWithBackup()], /a backup saved \d{4}-\d\d-\d\d [\d:]+ UTC is in .*saved\.json\.bak/],
    ['an unknown version', ['summary', scratchFile('v9.json', '{"format": "cnn-studio/graph", "version": 9, "nodes": [], "edges": []}')], /version: unsupported version 9/],
    ['an unknown option', ['summary', 'resources/journey/round-10.json', '--colour'], /unknown option '--colour'/],
    ['no file at all', ['summary'], /missing required argument 'file'/],
  ])('exits 2 with a one-line message for %s', async (_what, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
