/**
 * ONNX and PyTorch in the studio, in Chromium: an ONNX model opened with File → Open, trained from
 * its own weights with the training panel's choice, the design exported as ONNX and as a PyTorch
 * training script from the Export menu, and the run's best model exported as ONNX and as PyTorch
 * with weights from the runs view.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeOnnx } from '../../main/onnx/codec.ts';
import { runCli } from '../support/cli.ts';
import { chooseFileName, showOpenDialog, useStudio, viewportSettled } from '../support/studio.ts';

const FIXTURE_RUN = fileURLToPath(new URL('../fixtures/runs/round-10-trained', import.meta.url));
const studio = useStudio();

describe('ONNX in the studio', () => {
  it('opens an ONNX model, trains from its weights, and exports as ONNX, a training script and a run\'s model', async () => {
    const { page, workspace } = studio();
    // A trained round 10, as ONNX: what the studio's export of the fixture run writes.
    cpSync(FIXTURE_RUN, join(workspace, 'trained-run'), { recursive: true });
    const exported = await runCli(['export', join(workspace, 'trained-run'), '--format', 'onnx', '--out', join(workspace, 'round10.onnx')]);
    expect(exported.code, exported.stderr).toBe(0);

    await showOpenDialog(page);
    expect(await page.locator('[data-testid=file-dialog] .file-list').textContent()).toContain('round10.onnx');
    await chooseFileName(page, 'round10.onnx');
    await page.waitForSelector('[data-testid=block-conv7]');
    await viewportSettled(page);
    expect(await page.textContent('[data-testid=notice]')).toContain('(an ONNX model)');
    expect(await page.textContent('[data-testid=trainable]')).toBe('9,896');

    // Every export format is in the Export menu.
    await page.click('[data-testid=export]');
    for (const name of ['exportPytorch', 'exportKeras', 'exportKerasJson', 'exportOnnx', 'exportPytorchTrain']) {
      await page.waitForSelector(`[data-testid=menu-${name}]`);
    }
    await page.click('[data-testid=menu-exportOnnx]');
    expect(await page.textContent('[data-testid=file-dialog] h2')).toBe('Export as ONNX');
    await chooseFileName(page, 'design.onnx');
    await expect.poll(() => page.textContent('[data-testid=notice]')).toContain(`Exported ${join(workspace, 'design.onnx')}`);
    expect(decodeOnnx(readFileSync(join(workspace, 'design.onnx'))).opset).toBe(13);
    await page.click('[data-testid=export]');
    await page.click('[data-testid=menu-exportPytorchTrain]');
    expect(await page.textContent('[data-testid=file-dialog] h2')).toBe('Export as a PyTorch training script');
    await chooseFileName(page, 'train.py');
    await expect.poll(() => existsSync(join(workspace, 'train.py'))).toBe(true);
    expect(readFileSync(join(workspace, 'train.py'), 'utf8')).toContain('torchrun --nproc_per_node=4 train.py');

    // Training from the model's own weights: one near-frozen epoch keeps what the model knows.
    await page.click('[data-testid=view-train]');
    await page.waitForSelector('[data-testid=train-backend] option[value=wasm]', { state: 'attached' });
    expect(await page.textContent('label.start-weights')).toContain('Start from the weights in round10.onnx');
    await page.check('[data-testid=train-start-weights]');
    await page.fill('[data-testid=train-epochs]', '1');
    await page.fill('[data-testid=train-limit]', '256');
    await page.fill('[data-testid=train-learningRate]', '0.000000001');
    await page.click('[data-testid=train-start]');
    await expect.poll(() => page.getAttribute('[data-testid=train-status]', 'data-status'), { timeout: 120_000 }).toBe('finished');
    const run = readdirSync(join(workspace, 'runs'))[0]!;
    const record = JSON.parse(readFileSync(join(workspace, 'runs', run, 'run.json'), 'utf8')) as { initialWeights?: string; bestTestAccuracy: number };
    expect(record.initialWeights).toBe(join(workspace, 'round10.onnx'));
    expect(record.bestTestAccuracy).toBeGreaterThan(0.9);

    // The run's best model, as ONNX and as PyTorch with its weights.
    await page.click('[data-testid=view-runs]');
    const row = page.locator('[data-testid=run-row]').first();
    await row.waitFor();
    for (const [item, check] of [
      ['run-export-onnx', () => existsSync(join(workspace, 'exports', `${run}.onnx`))],
      ['run-export-pytorch', () => existsSync(join(workspace, 'exports', `${run}-pytorch`, 'weights.npz'))],
    ] as const) {
      await row.locator('[data-testid=run-actions]').click();
      await page.click(`[data-testid=${item}]`);
      await expect.poll(check, { timeout: 60_000 }).toBe(true);
    }
  }, 240_000);
});
