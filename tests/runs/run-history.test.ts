import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { appendEpochMetrics, createRunFolder, readRunRecord, writeRunRecord } from '../../main/runs/run-folder.ts';
import { deleteRun, listRuns, renameRun, setRunNote } from '../../main/runs/run-history.ts';
import { INTERRUPTED_MESSAGE } from '../../main/runs/run-liveness.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

/** An epoch as the trainer reports it now: train accuracy while training and clean, validation, test; best chosen on validation. */
function epoch(n: number, train: number, clean: number, validation: number, test: number, best: { epoch: number; validation: number; test: number }): EpochEvent {
  return {
    type: 'epoch',
    epoch: n,
    trainLoss: 1 - train,
    trainAccuracy: train,
    cleanTrainLoss: 1 - clean,
    cleanTrainAccuracy: clean,
    validationLoss: 1 - validation,
    validationAccuracy: validation,
    testLoss: 1 - test,
    testAccuracy: test,
    learningRate: 0.01,
    seconds: 10,
    imagesPerSecond: 1000,
    selectedBy: 'validation',
    bestEpoch: best.epoch,
    bestValidationAccuracy: best.validation,
    bestTestAccuracy: best.test,
    tensors: 50,
  };
}

/** An epoch line as run folders from before the validation split hold it. */
function oldEpoch(n: number, train: number, test: number): object {
  return { type: 'epoch', epoch: n, trainLoss: 1 - train, trainAccuracy: train, testLoss: 1 - test, testAccuracy: test, learningRate: 0.01, seconds: 10, imagesPerSecond: 1000, bestTestAccuracy: test, bestEpoch: n, tensors: 50 };
}

/**
 * Two finished runs: round 7 as the trainer writes a run now, whose validation accuracy peaks at
 * epoch 2 while its test accuracy peaks at epoch 3; round 3 as an older run folder has it.
 */
async function makeRuns(root: string) {
  const best = { epoch: 2, validation: 0.991, test: 0.99 };
  const seven = [
    epoch(1, 0.97, 0.98, 0.984, 0.985, { epoch: 1, validation: 0.984, test: 0.985 }),
    epoch(2, 0.985, 0.996, 0.991, 0.99, best),
    epoch(3, 0.99, 0.997, 0.989, 0.993, best),
  ];
  const dirs: string[] = [];
  for (const [round, epochs, when, limit] of [[7, seven, '2026-11-01T10:00:00Z', undefined], [3, [oldEpoch(1, 0.97, 0.975)], '2026-11-02T10:00:00Z', 2000]] as const) {
    const settings = trainingSettingsSchema.parse({ epochs: 20, ...(limit ? { limit } : {}) });
    const dir = await createRunFolder(root, loadPreset(journeyPath(round)), settings, new Date(when));
    const record = { ...newRunRecord(`round ${round}`, 'wasm'), startedAt: when, status: 'finished' as const, seconds: 60, bestEpoch: round === 7 ? 2 : 1 };
    await writeRunRecord(dir, record);
    for (const e of epochs) await appendEpochMetrics(dir, e as EpochEvent);
    dirs.push(dir);
  }
  return dirs;
}

describe('the runs of a project', () => {
  // Fresh runs for every test: some rename or delete them.
  let root: string;
  let dirs: string[];
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'runs-'));
    dirs = await makeRuns(root);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('summarises each run, newest first, with parameters, MACs, and the best epoch chosen on validation with its own test accuracy', async () => {
    const runs = await listRuns(root);
    expect(runs.map((r) => r.name)).toEqual(['round 3', 'round 7']);
    const seven = runs[1]!;
    // Epoch 3 tested higher (99.3 %), but validation chose epoch 2: its 99.0 % is the run's test figure.
    expect(seven).toMatchObject({ trainableParams: 9896, macs: 1_295_552, epochs: 3, bestEpoch: 2, selectedBy: 'validation', bestValidationAccuracy: 0.991, bestTestAccuracy: 0.99, backend: 'wasm', status: 'finished' });
    // Train accuracy from the clean pass of epoch 2, and the gap to validation.
    expect(seven).toMatchObject({ bestTrainAccuracy: 0.996, trainMeasured: 'clean' });
    expect(seven.gap).toBeCloseTo(0.005);
  });

  it('reads a run from before the validation split as one chosen on the test set, its train figure measured while training', async () => {
    const [three] = await listRuns(root);
    expect(three).toMatchObject({ bestEpoch: 1, selectedBy: 'test', bestValidationAccuracy: null, bestTestAccuracy: 0.975, bestTrainAccuracy: 0.97, trainMeasured: 'while training', resumable: false });
    expect(three!.gap).toBeCloseTo(-0.005);
  });

  it('says what each run trained on, for how many epochs, and on how many images, so a short run is not taken for a full one', async () => {
    const [three, seven] = await listRuns(root);
    expect(three).toMatchObject({ dataset: 'mnist', limit: 2000, epochs: 1, plannedEpochs: 20 });
    expect(seven).toMatchObject({ dataset: 'mnist', limit: null, epochs: 3, plannedEpochs: 20 });
  });

  it('says why a run ended early, including one whose process died without recording it', async () => {
    const settings = trainingSettingsSchema.parse({});
    const failed = await createRunFolder(root, loadPreset(journeyPath(5)), settings, new Date('2026-10-01T10:00:00Z'));
    await writeRunRecord(failed, { ...newRunRecord('ran out', 'wasm'), status: 'failed', error: 'the training process ran out of memory' });
    const orphan = await createRunFolder(root, loadPreset(journeyPath(5)), settings, new Date('2026-10-02T10:00:00Z'));
    await writeRunRecord(orphan, { ...newRunRecord('orphan', 'wasm'), pid: spawnSync(process.execPath, ['-e', '']).pid });
    const byName = new Map((await listRuns(root)).map((run) => [run.name, run]));
    expect(byName.get('ran out')).toMatchObject({ status: 'failed', error: 'the training process ran out of memory' });
    expect(byName.get('orphan')).toMatchObject({ status: 'interrupted', error: INTERRUPTED_MESSAGE });
    expect(byName.get('round 7')).toMatchObject({ status: 'finished', error: null });
    await deleteRun(root, failed);
    await deleteRun(root, orphan);
  });

  it('renames and annotates a run', async () => {
    await renameRun(dirs[0]!, 'more capacity');
    await setRunNote(dirs[0]!, 'pool earlier than round 6');
    expect(await readRunRecord(dirs[0]!)).toMatchObject({ name: 'more capacity', note: 'pool earlier than round 6' });
  });

  it('skips folders that are not runs', async () => {
    const other = mkdtempSync(join(root, 'not-a-run-'));
    expect((await listRuns(root)).map((r) => r.dir)).not.toContain(other);
  });

  it('deletes a run, but only a run folder inside the runs folder', async () => {
    await expect(deleteRun(root, tmpdir())).rejects.toThrow('is not inside the runs folder');
    const notRun = mkdtempSync(join(root, 'plain-'));
    await expect(deleteRun(root, notRun)).rejects.toThrow('is not a run folder');
    await deleteRun(root, dirs[1]!);
    expect(readdirSync(root)).not.toContain(dirs[1]!.split('/').at(-1));
  });

  it('reads an empty list from a runs folder that does not exist yet', async () => {
    expect(await listRuns(join(root, 'nowhere'))).toEqual([]);
  });
});
