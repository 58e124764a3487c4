/**
 * A run folder deleted while its run trains: the run stops within a few seconds with one line
 * that says so, and nothing writes a half folder back (it used to reappear holding only
 * `models/`, which `runs` cannot list). And `deleteRun` refuses a run that is still training.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createRunFolder, writeRunRecord } from '../../main/runs/run-folder.ts';
import { runFolderGoneMessage } from '../../main/runs/run-folder-watch.ts';
import { deleteRun, listRuns } from '../../main/runs/run-history.ts';
import { newRunRecord } from '../../main/runs/run-recorder.ts';
import type { TrainingEvent } from '../../main/train/events.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { onlyRun, quickSettings, startWorker } from '../support/training.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a run folder deleted while its run trains', () => {
  it.each([
    // Mid-epoch: nothing is written until the epoch ends, so only the watch can notice. Progress
    // is reported at most every 100 ms, so which batches are seen depends on the machine's speed:
    // the first one reported from the third on, short of the epoch's last.
    ['in the middle of an epoch', (event: TrainingEvent) => event.type === 'batch' && event.batch >= 3 && event.batch < event.batches],
    // Right after an epoch was recorded: the next writes are the models (checkpoint) and run.json.
    ['right after an epoch was recorded', (event: TrainingEvent) => event.type === 'epoch'],
  ])('stops the run %s with a message that says so, and leaves no folder behind', async (_when, deleteAt) => {
    let deletedAt = 0;
    const afterDeletion: TrainingEvent[] = [];
    // Two hundred batches an epoch on 6,400 images (about 5 s here, at 25 ms a batch), so an epoch
    // outlasts the watch's one-second tick: an end-of-epoch write cannot be what notices.
    const { handle, runsRoot } = startWorker(quickSettings({ epochs: 10, limit: 6400 }), (event) => {
      if (deletedAt !== 0) afterDeletion.push(event);
      else if (deleteAt(event)) {
        deletedAt = performance.now();
        rmSync(onlyRun(runsRoot), { recursive: true });
      }
    });
    const dir = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        if (readdirSync(runsRoot).length > 0) {
          clearInterval(poll);
          resolve(onlyRun(runsRoot));
        }
      }, 20);
    });
    const final = await handle.done;
    expect(final).toEqual({ type: 'failed', error: runFolderGoneMessage(dir) });
    expect(performance.now() - deletedAt).toBeLessThan(5000);
    // The watch, not an end-of-epoch write, stopped it: no epoch ran to its last batch after.
    expect(afterDeletion.filter((event) => event.type === 'batch' && event.batch === event.batches)).toEqual([]);
    // Whatever was still in flight has had time to land.
    await sleep(1500);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(runsRoot)).toEqual([]);
    expect(await listRuns(runsRoot)).toEqual([]);
  }, 120_000);
});

describe('deleting a run', () => {
  it('refuses a run that is still training, and deletes it once it is not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-delete-'));
    const dir = await createRunFolder(root, loadPreset(journeyPath(10)), trainingSettingsSchema.parse({}));
    // This process stands in for the training process: alive, on this host.
    await writeRunRecord(dir, { ...newRunRecord('still going', 'wasm'), pid: process.pid });
    await expect(deleteRun(root, dir)).rejects.toThrow('the run "still going" is still training; stop it before deleting it');
    expect(existsSync(dir)).toBe(true);

    // Its process gone, the run reads as interrupted and may go.
    await writeRunRecord(dir, { ...newRunRecord('still going', 'wasm'), pid: spawnSync(process.execPath, ['-e', '']).pid });
    await deleteRun(root, dir);
    expect(existsSync(dir)).toBe(false);
  });
});
