/**
 * The built `cnn-studio` command run from a folder outside the checkout, as a user's shell runs
 * it: every path absolute, nothing resolved from the current folder, no TypeScript compiled (no
 * tsx), and TensorFlow.js loaded only by the commands that compute with it. Each process records
 * the modules it imports (fixtures/record-modules.mjs), the training process it forks included.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEpochMetrics } from '../../main/runs/run-folder.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, REPO, runCli, type CliResult } from '../support/cli.ts';

const RECORDER = pathToFileURL(join(REPO, 'tests/cli/fixtures/record-modules.mjs')).href;
const journey = (round: string) => join(REPO, 'resources/journey', `round-${round}.json`);

const outside = mkdtempSync(join(tmpdir(), 'cnn-studio-anywhere-'));
let recordings = 0;

interface Recorded extends CliResult {
  /** The URLs of the modules the process (and any process it forked) imported. */
  modules: string[];
}

async function runOutside(args: string[], timeoutMs = 60_000): Promise<Recorded> {
  const record = join(outside, `modules-${++recordings}.txt`);
  const result = await runCli(args, { cwd: outside, timeoutMs, env: { CNN_STUDIO_RECORD_MODULES: record, NODE_OPTIONS: `--import=${RECORDER}` } });
  const modules = existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : [];
  return { ...result, modules };
}

const tensorflow = (modules: string[]) => modules.filter((url) => url.includes('/node_modules/@tensorflow/'));
/** Anything that would mean TypeScript compiled at run time, or a devDependency needed to run. */
const compiled = (modules: string[]) => modules.filter((url) => /\.(ts|mts|cts)$/.test(url) || /\/node_modules\/(tsx|esbuild|vite|vitest)\//.test(url));

describe('the built cnn-studio command, run from a folder outside the checkout', () => {
  it('records the modules a process imports (the check below can fail)', async () => {
    const result = await runOutside(['--help']);
    expect(result.modules).toContain(pathToFileURL(join(REPO, 'dist/cli/cnn-studio.js')).href);
  });

  it('prints its help without loading TensorFlow.js or compiling anything', async () => {
    const result = await runOutside(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: cnn-studio \[options\] \[command\]/);
    expect(result.stdout).toMatch(/^\s+summary \[options\] <file>/m);
    expect(tensorflow(result.modules)).toEqual([]);
    expect(compiled(result.modules)).toEqual([]);
  });

  it('summarises round 10 without loading TensorFlow.js', async () => {
    const result = await runOutside(['summary', journey('10')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Trainable params:\s+9,896/);
    expect(tensorflow(result.modules)).toEqual([]);
    expect(compiled(result.modules)).toEqual([]);
  });

  it.each([
    ['diff', () => ['diff', journey('09'), journey('10')]],
    ['import', () => ['import', join(REPO, 'tests/fixtures/keras/keras2.0-sequential-bare-list.json')]],
    ['runs', () => ['runs', outside]],
    ['export --format pytorch', () => ['export', journey('10'), '--format', 'pytorch']],
    ['export --format keras', () => ['export', journey('10'), '--format', 'keras']],
  ])('runs %s without loading TensorFlow.js', async (_name, args) => {
    const result = await runOutside(args());
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.code).toBe(0);
    expect(tensorflow(result.modules)).toEqual([]);
    expect(compiled(result.modules)).toEqual([]);
  });

  it('exports Keras JSON (which compiles the model in TensorFlow.js) without tfjs talking to the user', async () => {
    const result = await runOutside(['export', journey('10'), '--format', 'keras-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ class_name: 'Model' });
    // tfjs prints a banner ("Hi, looks like you are running TensorFlow.js in Node.js…") unless told it runs in production.
    expect(result.stderr).toBe('');
    expect(tensorflow(result.modules).length).toBeGreaterThan(0);
  });

  describe('train, eval and export of the trained model', () => {
    const runs = join(outside, 'runs');
    let train: Recorded;
    let runDir: string;

    beforeAll(async () => {
      train = await runOutside(['train', journey('10'), '--limit', '200', '--epochs', '1', '--out', runs, '--json'], 120_000);
      runDir = join(runs, readdirSync(runs)[0] ?? 'none');
    }, 120_000);

    it('trains round 10 for real in a forked training process, compiling nothing', () => {
      expect(train.stderr).toBe('');
      expect(train.code).toBe(0);
      const events = train.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; phase?: string; trainImages?: number; epochs?: number });
      // What it is busy with before the first batch (phase events), then the run's start.
      const phases = events.filter((event) => event.type === 'phase').map((event) => event.phase);
      expect(phases).toEqual(['backend', 'data', 'model', ...(availableParallelism() > 1 ? ['threads'] : [])]);
      // 200 images less the validation split's 17 (a twelfth, rounded).
      expect(events[phases.length]).toMatchObject({ type: 'started', trainImages: 183, validationImages: 17, epochs: 1 });
      expect(events.at(-1)).toMatchObject({ type: 'finished', epochs: 1 });
      expect(train.modules).toContain(pathToFileURL(join(REPO, 'dist/cli/training-process.js')).href);
      expect(tensorflow(train.modules).length).toBeGreaterThan(0);
      expect(compiled(train.modules)).toEqual([]);
    });

    it("evaluates the run's saved model to the accuracy training recorded", async () => {
      const result = await runOutside(['eval', runDir, '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const [epoch] = await readEpochMetrics(runDir);
      expect(JSON.parse(result.stdout)).toMatchObject({ images: 200, dataset: 'MNIST' });
      expect(JSON.parse(result.stdout).accuracy).toBeCloseTo(epoch!.testAccuracy, 6);
      expect(compiled(result.modules)).toEqual([]);
    });

    it('exports the trained model in TensorFlow.js format, and the run as PyTorch code', async () => {
      const tfjs = await runOutside(['export', runDir, '--format', 'tfjs', '--out', join(outside, 'exported')]);
      expect(tfjs.code).toBe(0);
      expect(readdirSync(join(outside, 'exported')).sort()).toEqual(['model.json', 'weights.bin']);
      const pytorch = await runOutside(['export', runDir, '--format', 'pytorch']);
      expect(pytorch.code).toBe(0);
      expect(pytorch.stdout).toMatch(/^class \w+\(nn\.Module\):/m);
      expect(tensorflow(pytorch.modules)).toEqual([]);
    });
  });

  it('says in one line that it is not built, where bin/ has no dist/cli beside it', async () => {
    const copy = join(outside, 'unbuilt');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(join(REPO, 'bin/cnn-studio.js'), join(copy, 'bin/cnn-studio.js'));
    const result = await runCli(['--help'], { cwd: outside, bin: join(copy, 'bin/cnn-studio.js') });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: cnn-studio is not built: ${join(copy, 'dist/cli/cnn-studio.js')} is missing; run \`npm install\` (or \`npm run build:cli\`) in ${copy}`,
    ]);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
