import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { hugeDesign } from '../support/training.ts';

describe('cnn-studio train, eval and backends', () => {
  const out = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-runs-'));

  it('trains with --json, printing the event stream as JSON lines', async () => {
    const result = await runCli(['train', 'resources/journey/round-10.json', '--epochs', '2', '--limit', '256', '--batch', '64', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    // The phases before the first batch; 'threads' where there is more than one core.
    const phases = events.filter((e) => e.type === 'phase').map((e) => e.phase);
    expect(phases.slice(0, 3)).toEqual(['backend', 'data', 'model']);
    expect(phases.slice(3)).toEqual(availableParallelism() > 1 ? ['threads'] : []);
    expect(events[phases.length]).toMatchObject({ type: 'started', params: { trainable: 9896 }, epochs: 2, trainImages: 235, validationImages: 21, testImages: 256 });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', epochs: 2 });
  }, 120_000);

  it('prints an epoch line in the journey style without a terminal, then evaluates the saved model', async () => {
    const train = await runCli(['train', 'resources/journey/round-09.json', '--epochs', '1', '--limit', '160', '--threads', '2', '--out', out]);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Training on wasm \(2 threads\): 9,896 trainable parameters, 147 training, 13 validation and 160 test images, 1 epoch of 2 batches/m);
    expect(train.stdout).toMatch(
      /^Epoch 1\/1: train loss \d\.\d{4}, accuracy [\d.]+ % while training, [\d.]+ % clean \| validation loss \d\.\d{4}, accuracy [\d.]+ % \| test loss \d\.\d{4}, accuracy [\d.]+ % \| best: epoch 1 by validation [\d.]+ %, test [\d.]+ % \| lr 0\.01 \|/m,
    );
    expect(train.stdout).toMatch(/^Finished: best epoch 1 by validation [\d.]+ %, test [\d.]+ % of 1, in /m);
    const runDir = join(out, readdirSync(out).find((name) => name.includes('round-9'))!);
    const evaluation = await runCli(['eval', runDir, '--json']);
    expect(evaluation.code).toBe(0);
    const result = JSON.parse(evaluation.stdout);
    expect(result).toMatchObject({ model: 'best', images: 160, dataset: 'MNIST' });
    const epoch = JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
    expect(epoch.type).toBe('epoch');
    expect(result.accuracy).toBeCloseTo(epoch.testAccuracy, 6);
  }, 120_000);

  it('trains on the threads --threads asks for, and records them in run.json', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-threads-'));
    const result = await runCli(['train', 'resources/journey/round-10.json', '--epochs', '1', '--limit', '128', '--batch', '32', '--threads', '3', '--out', runs, '--json']);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.find((e) => e.type === 'started')).toMatchObject({ type: 'started', backend: 'wasm', threads: 3 });
    expect(JSON.parse(readFileSync(join(runs, readdirSync(runs)[0]!, 'run.json'), 'utf8'))).toMatchObject({ status: 'finished', threads: 3 });
  }, 120_000);

  it.each(['0', '1.5', 'all', '257'])('refuses --threads %s with a one-line message', async (value) => {
    const result = await runCli(['train', 'resources/journey/round-10.json', '--threads', value, '--no-save']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--threads takes a whole number from 1 to 256, not "${value}".`);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('refuses a design too large for the backend before training, with the estimate, and writes no run', async () => {
    const graph = join(mkdtempSync(join(tmpdir(), 'cnn-studio-cli-huge-')), 'huge.json');
    writeFileSync(graph, JSON.stringify(hugeDesign()));
    const runs = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-huge-runs-'));
    const result = await runCli(['train', graph, '--batch', '64', '--backend', 'wasm', '--threads', '1', '--out', runs]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: this design needs about 807\.4 GiB to train at batch 64 \(activations 777\.0 GiB; largest: b1's 2048×2048×64 output\); the wasm backend can use at most 4\.0 GiB — /);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(readdirSync(runs)).toEqual([]);
  }, 60_000);

  it('lists every backend with its status', async () => {
    const result = await runCli(['backends', '--json']);
    expect(result.code).toBe(0);
    const statuses = JSON.parse(result.stdout);
    expect(statuses.map((s: { name: string }) => s.name)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    const wasm = statuses.find((s: { name: string }) => s.name === 'wasm');
    expect(wasm.available).toBe(true);
    // The kernels' instruction set (Node 20 validates relaxed SIMD's FMA once its flag is set) and the threads training uses: one per core.
    const cores = availableParallelism();
    expect(wasm.detail).toBe(`SIMD, FMA, ${cores} thread${cores === 1 ? '' : 's'}`);
    for (const status of statuses) expect(status.detail).not.toBe('');
  }, 60_000);

  it.each([
    ['a missing graph', ['train', 'nope.json'], 2, /cannot read nope.json: no such file/],
    ['an unknown option', ['train', 'resources/journey/round-10.json', '--speed', 'max'], 2, /unknown option '--speed'/],
    ['a non-number', ['train', 'resources/journey/round-10.json', '--epochs', 'ten'], 2, /--epochs takes a whole number, not "ten"/],
    ['an impossible batch size', ['train', 'resources/journey/round-10.json', '--batch', '0'], 2, /batch size must be at least 1/],
    ['a batch larger than the data', ['train', 'resources/journey/round-10.json', '--batch', '500', '--limit', '100', '--no-save'], 1, /the batch size 500 is larger than the 92 training images left after holding out 8 for validation/],
    ['an unknown backend', ['train', 'resources/journey/round-10.json', '--backend', 'tpu'], 2, /argument 'tpu' is invalid/],
    ['a backend that is not installed', ['train', 'resources/journey/round-10.json', '--backend', 'node', '--no-save'], 1, /not installed: the optional package @tensorflow\/tfjs-node is missing/],
    ['a bad augmentation', ['train', 'resources/journey/round-10.json', '--augment', 'flip'], 2, /--augment takes "rotate=DEGREES,shift=PIXELS,scale=SHARE,shear=DEGREES,erase=PROBABILITY,erase-area=LOW:HIGH,erase-ratio=LOW:HIGH" \(any of them\) or "none", not "flip"/],
    ['a train with no graph', ['train', '--epochs', '2'], 2, /^error: train needs a graph file, or --resume RUN to carry on a run\n$/],
    ['a flag that does not apply to the optimizer', ['train', 'resources/journey/round-10.json', '--beta1', '0.8'], 2, /^error: --beta1 does not apply to sgd \(Adam and AdamW take betas; SGD has --momentum\)\n$/],
    ['a schedule flag of another schedule', ['train', 'resources/journey/round-10.json', '--pct-start', '0.2'], 2, /^error: --pct-start applies to the oneCycle schedule, but the schedule is step; add --schedule onecycle\n$/],
    ['an eval of a folder that is no run', ['eval', 'resources'], 2, /resources is not a run folder/],
  ])('refuses %s in one line', async (_what, args, code, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
  }, 60_000);
});
