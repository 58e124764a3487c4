/**
 * A run whose loss stops being a number stops there and says it diverged, where, and what to do:
 * at `--lr 1e30` it used to train on and end "finished" with a null test loss. Both ways a loss
 * goes: the training loss of a batch (logits, no clipping) and the test loss after an epoch
 * (round 10: batch norm keeps the training loss finite while the weights overflow).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { divergence } from '../../main/train/divergence.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { chainOf } from '../support/graphs.ts';

describe('telling a diverged loss', () => {
  it('passes every finite loss and names NaN and both infinities', () => {
    const at = { epoch: 2, batch: 7, batches: 10, learningRate: 0.5 };
    expect(divergence(2.3, at)).toBeNull();
    expect(divergence(0, at)).toBeNull();
    expect(divergence(NaN, at)).toEqual({
      type: 'diverged',
      epoch: 2,
      batch: 7,
      loss: 'NaN',
      learningRate: 0.5,
      message: 'the training loss in epoch 2, batch 7 of 10, became NaN at learning rate 0.5; lower the learning rate (try 0.05) and train again',
    });
    expect(divergence(Infinity, at)?.loss).toBe('Infinity');
    expect(divergence(-Infinity, { ...at, batch: null })?.message).toBe('the test loss after epoch 2 became -Infinity at learning rate 0.5; lower the learning rate (try 0.05) and train again');
  });
});

describe('cnn-studio train at a learning rate of 1e30', () => {
  const out = mkdtempSync(join(tmpdir(), 'cnn-studio-diverged-'));
  const runOf = (name: string) => join(out, readdirSync(out).find((folder) => folder.endsWith(name))!);

  it('stops at the batch whose training loss became NaN, exits 1 and says so in one line, in run.json and in the runs table', async () => {
    const logits = join(out, 'logits.json');
    const conv = { type: 'conv2d', params: { filters: 4, kernelSize: 3 } };
    writeFileSync(logits, JSON.stringify({ ...chainOf([28, 28, 1], [conv, { type: 'activation', params: { function: 'relu' } }, { type: 'flatten' }, { type: 'dense', params: { units: 10 } }, { type: 'output', params: { activation: 'none' } }]), name: 'logits' }));
    const result = await runCli(['train', logits, '--lr', '1e30', '--epochs', '3', '--limit', '128', '--batch', '32', '--backend', 'wasm', '--out', out]);
    expect(result.code).toBe(1);
    const runDir = runOf('_logits');
    expect(result.stderr.trim()).toBe(
      `error: training diverged: the training loss in epoch 1, batch 2 of 4, became NaN at learning rate 1e+30; lower the learning rate (try 1e+29) and train again; the epochs before it are in ${runDir}`,
    );
    expect(hasStackTrace(result.stderr)).toBe(false);
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'diverged', epochsDone: 0, error: expect.stringMatching(/^the training loss in epoch 1, batch 2 of 4, became NaN/) });
    // No epoch ended; the batches before the one that diverged are kept, with their rates, and no NaN.
    const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.map((line) => [line.type, line.epoch, Number.isFinite(line.loss), line.learningRate])).toEqual([['batch', 1, true, 1e30]]);

    const table = await runCli(['runs', out]);
    expect(table.stdout).toMatch(/│ diverged │/);
    expect(table.stdout).toContain(`${runDir.split('/').at(-1)} diverged: the training loss in epoch 1, batch 2 of 4, became NaN`);
  }, 120_000);

  it('stops after the epoch whose test loss became NaN, keeping no NaN anywhere in the run folder', async () => {
    // Round 1 (no BatchNorm, no Dropout) keeps a finite training loss through its first epoch at
    // this rate; round 10's training loss becomes NaN first (the test above).
    const result = await runCli(['train', 'resources/journey/round-01.json', '--lr', '1e30', '--epochs', '3', '--limit', '128', '--batch', '32', '--backend', 'wasm', '--out', out, '--json']);
    expect(result.code).toBe(1);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: 'diverged', epoch: 1, batch: null, loss: 'NaN', learningRate: 1e30 });
    expect(events.filter((e) => e.type === 'epoch' || e.type === 'finished')).toEqual([]);
    const runDir = runOf('journey-round-1-plain-set-up');
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    // The validation split is measured first, and its loss is the first to say so.
    expect(record).toMatchObject({ status: 'diverged', error: 'the validation loss after epoch 1 became NaN at learning rate 1e+30; lower the learning rate (try 1e+29) and train again' });
    // The batches of epoch 1 are kept; none of their figures is missing (JSON writes NaN as null).
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect([line.type, ...[line.loss, line.accuracy, line.learningRate].map(Number.isFinite)]).toEqual(['batch', true, true, true]);
    const listed = JSON.parse((await runCli(['runs', out, '--json'])).stdout);
    expect(listed.find((run: { dir: string }) => run.dir === runDir)).toMatchObject({ status: 'diverged', error: record.error, bestTestAccuracy: null });
  }, 120_000);
});
