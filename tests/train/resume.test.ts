/**
 * Resuming runs. A run killed (SIGKILL, nothing recorded at the end) in its third epoch and resumed
 * with `cnn-studio train --resume` ends with the same metrics, epoch by epoch, and the same final
 * weights, byte for byte, as the same run left alone: the checkpoint carries the weights, the
 * optimizer state, the shuffling/augmentation and dropout streams and the plateau schedule's
 * progress. Two recipes, each using every piece of that state: SGD with Nesterov momentum cycled
 * by one-cycle after a warm-up, with rotation, scale, shear and erasing; AdamW with weight decay,
 * label smoothing and the plateau schedule. A finished run trains further with --epochs, and every
 * run that cannot be resumed says why in one line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEpochMetrics, readRunRecord } from '../../main/runs/run-folder.ts';
import type { TrainingSettings } from '../../main/graph/training-settings.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import type { FinalEvent } from '../../main/train/worker/controller.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { onlyRun, quickSettings, startWorker } from '../support/training.ts';

const RECIPES: [string, TrainingSettings][] = [
  [
    'SGD, Nesterov, one-cycle cycling the momentum after a warm-up, affine and erasing augmentation',
    quickSettings({
      epochs: 4,
      limit: 400,
      learningRate: 0.1,
      nesterov: true,
      weightDecay: 5e-4,
      warmup: { epochs: 0.5 },
      schedule: { type: 'oneCycle', cycleMomentum: true },
      augment: { rotate: 7, shift: 1, scale: 0.1, shear: 8, erase: 0.5 },
    }),
  ],
  [
    'AdamW with weight decay, label smoothing and the plateau schedule',
    quickSettings({ epochs: 4, limit: 400, optimizer: 'adamw', learningRate: 3e-3, weightDecay: 0.05, labelSmoothing: 0.1, schedule: { type: 'plateau', patience: 0, factor: 0.5 }, augment: { rotate: 5 } }),
  ],
];

/** What an epoch measured, without the timings and the tensor count. */
function measured({ seconds: _s, imagesPerSecond: _i, tensors: _t, ...rest }: EpochEvent) {
  return rest;
}

/** Trains to the end in a real training process (on `threads`, default one per core); the run folder. */
async function trainToTheEnd(settings: TrainingSettings, threads?: number): Promise<string> {
  const { handle, runsRoot } = startWorker(settings, undefined, undefined, undefined, threads);
  const final = await handle.done;
  expect(final.type).toBe('finished');
  return onlyRun(runsRoot);
}

/** Trains, and kills the process (SIGKILL) once the third epoch is under way; the run folder. */
async function trainAndKill(settings: TrainingSettings): Promise<{ dir: string; final: FinalEvent }> {
  const { handle, runsRoot } = startWorker(settings, (event, running) => {
    if (event.type === 'batch' && event.epoch === 3 && event.batch >= 2) running.kill();
  });
  const final = await handle.done;
  return { dir: onlyRun(runsRoot), final };
}

describe.each(RECIPES)('a run killed in epoch 3 and resumed (%s)', (_name, settings) => {
  it('ends with the metrics of every epoch and the final weights of the run that was never stopped', async () => {
    const [whole, killed] = await Promise.all([trainToTheEnd(settings), trainAndKill(settings)]);
    expect(killed.final.type).toBe('failed');
    expect((await readEpochMetrics(killed.dir)).map((e) => e.epoch)).toEqual([1, 2]);

    const resumed = await runCli(['train', '--resume', killed.dir, '--json'], { timeoutMs: 120_000 });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const events = resumed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; resumedAfter?: number });
    expect(events.find((e) => e.type === 'started')).toMatchObject({ resumedAfter: 2, epochs: 4 });

    const expected = (await readEpochMetrics(whole)).map(measured);
    expect(expected.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect((await readEpochMetrics(killed.dir)).map(measured)).toEqual(expected);
    expect(readFileSync(join(killed.dir, 'models/last/weights.bin')).equals(readFileSync(join(whole, 'models/last/weights.bin')))).toBe(true);
    expect(readFileSync(join(killed.dir, 'models/best/weights.bin')).equals(readFileSync(join(whole, 'models/best/weights.bin')))).toBe(true);

    const record = await readRunRecord(killed.dir);
    expect(record).toMatchObject({ status: 'finished', epochsDone: 4, epochsPlanned: 4, bestEpoch: expected.at(-1)!.bestEpoch, error: null });
    expect(record.resumes).toHaveLength(1);
    expect(record.resumes![0]).toMatchObject({ afterEpoch: 2, environment: { backend: 'wasm' } });
  }, 240_000);
});

describe('training a finished run further', () => {
  it('continues for more epochs with --epochs, the schedule held at its end, its settings unchanged', async () => {
    const settings = quickSettings({ epochs: 2, limit: 200, schedule: { type: 'cosine', minLr: 0.001 } });
    const dir = await trainToTheEnd(settings);
    const before = readFileSync(join(dir, 'settings.json'), 'utf8');

    const refused = await runCli(['train', '--resume', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`error: run ${dir.split('/').pop()} has trained all its 2 epochs; ask for more epochs in all (--epochs 7) to train it further`);

    const further = await runCli(['train', '--resume', dir, '--epochs', '3', '--json'], { timeoutMs: 120_000 });
    expect(further.code).toBe(0);
    const epochs = await readEpochMetrics(dir);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Cosine over the 2 planned epochs ends at its floor, and stays there.
    expect(epochs[2]!.learningRate).toBeCloseTo(0.001, 12);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(before);
    expect(await readRunRecord(dir)).toMatchObject({ status: 'finished', epochsDone: 3, epochsPlanned: 3 });
  }, 180_000);
});

describe('the threads of a resumed run', () => {
  it("are the run's own unless --threads says otherwise: the same seed and thread count repeat a run", async () => {
    const dir = await trainToTheEnd(quickSettings({ epochs: 1, limit: 200 }), 3);
    const started = async (extra: string[], epochs: string) => {
      const result = await runCli(['train', '--resume', dir, '--epochs', epochs, '--json', ...extra], { timeoutMs: 120_000 });
      expect(result.code).toBe(0);
      return result.stdout.trim().split('\n').map((line) => JSON.parse(line)).find((event) => event.type === 'started');
    };
    expect(await started([], '2')).toMatchObject({ threads: 3, resumedAfter: 1 });
    expect(await readRunRecord(dir)).toMatchObject({ threads: 3 });
    expect(await started(['--threads', '1'], '3')).toMatchObject({ threads: 1, resumedAfter: 2 });
    expect(await readRunRecord(dir)).toMatchObject({ threads: 1, epochsDone: 3 });
  }, 240_000);
});

describe('a run that cannot be resumed says why, in one line', () => {
  it.each([
    [['--lr', '0.5', '--seed', '4'], '--lr, --seed cannot change a resumed run: it carries on with the settings it trained with (its settings.json); start a new run to change them'],
    [['resources/journey/round-10.json'], "--resume carries on the run's own graph; leave out resources/journey/round-10.json"],
    [['--no-save'], '--no-save cannot go with --resume: a resumed run carries on in its own folder'],
    [['--weights', 'model.onnx'], '--weights cannot go with --resume: a resumed run carries on from its own checkpoint'],
  ])('refuses the flags %j', async (extra, message) => {
    const result = await runCli(['train', '--resume', 'runs/whatever', ...extra]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`error: ${message}`);
  });

  it('refuses a folder that is not a run, and a run with no checkpoint, without a stack trace', async () => {
    const missing = await runCli(['train', '--resume', '/nonexistent/run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*\/nonexistent\/run\/run\.json.*\n$/);
    expect(hasStackTrace(missing.stderr)).toBe(false);

    const old = await runCli(['train', '--resume', 'tests/fixtures/runs/without-checkpoint']);
    expect(old.code).toBe(2);
    expect(old.stderr.trim()).toBe('error: run without-checkpoint cannot be resumed: it has no checkpoint.bin (runs trained before CNN Studio kept checkpoints have none)');
  });
});
