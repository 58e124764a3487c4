/**
 * Fine-tuning: `cnn-studio train --weights model.onnx` starts from the model's weights, matched
 * to the design's blocks by name. The trained fixture run exported to ONNX, then trained for one
 * short epoch at a learning rate too small to move anything, still knows MNIST (its first test
 * epoch is right where the fixture left off), where the same run from the studio's own
 * initialisation is near chance; the run keeps a copy of the model it started from. Weights that
 * do not fit the design are refused before a process starts, in one line naming the blocks.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/runs/round-10-trained', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-fine-tune-'));
const model = join(folder, 'round10.onnx');

beforeAll(async () => {
  cpSync(FIXTURE, join(folder, 'trained'), { recursive: true });
  const exported = await runCli(['export', join(folder, 'trained'), '--format', 'onnx', '--out', model]);
  expect(exported.code, exported.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** One epoch on 500 images at a learning rate that changes nothing; the test accuracy after it. */
async function shortRun(out: string, extra: string[]): Promise<{ accuracy: number; runDir: string }> {
  const args = ['train', 'resources/journey/round-10.json', '--epochs', '1', '--limit', '500', '--lr', '1e-9', '--augment', 'none', '--out', out, '--json', ...extra];
  const result = await runCli(args, { timeoutMs: 120_000 });
  expect(result.code, result.stderr + result.stdout.slice(-500)).toBe(0);
  const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; testAccuracy?: number; runDir?: string });
  return { accuracy: events.find((e) => e.type === 'epoch')!.testAccuracy!, runDir: events.find((e) => e.type === 'started')!.runDir! };
}

describe('train --weights', () => {
  it('starts from the ONNX model\'s weights and keeps a copy of it in the run', async () => {
    const tuned = await shortRun(join(folder, 'tuned'), ['--weights', model]);
    const fresh = await shortRun(join(folder, 'fresh'), []);
    expect(tuned.accuracy).toBeGreaterThan(0.95);
    expect(fresh.accuracy).toBeLessThan(0.5);
    expect(existsSync(join(tuned.runDir, 'models', 'initial', 'model.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(join(tuned.runDir, 'run.json'), 'utf8')).initialWeights).toBe(model);
  }, 240_000);

  it('refuses weights that do not fit the design before anything starts, naming the blocks', async () => {
    const result = await runCli(['train', 'resources/journey/round-08.json', '--weights', model, '--epochs', '1', '--limit', '100', '--out', join(folder, 'refused')]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: the weights in .*round10\.onnx do not fit the design: /);
    expect(existsSync(join(folder, 'refused'))).toBe(false);
  }, 60_000);

  it('says in one line when the model file is missing or not ONNX', async () => {
    const missing = await runCli(['train', 'resources/journey/round-10.json', '--weights', join(folder, 'nope.onnx'), '--epochs', '1', '--limit', '100', '--no-save']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`error: cannot start from the weights in ${join(folder, 'nope.onnx')}: no such file or folder`);
    const notOnnx = await runCli(['train', 'resources/journey/round-10.json', '--weights', 'resources/journey/round-10.json', '--epochs', '1', '--no-save']);
    expect(notOnnx.code).toBe(1);
    expect(notOnnx.stderr.trim().split('\n')).toHaveLength(1);
    expect(notOnnx.stderr).toMatch(/error: cannot start from the weights in .*round-10\.json: it is not an ONNX model/);
  }, 60_000);
});
