/**
 * ONNX and PyTorch through the studio's service, as the page uses them: File → Open of an ONNX
 * model (with the weights training can start from), the export formats ONNX and PyTorch training
 * script, a run's best model exported as ONNX or PyTorch with weights, and a training started from
 * an imported model's weights, confined to the workspace and checked before any process starts.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { decodeOnnx } from '../../main/onnx/codec.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';

const FIXTURE_RUN = fileURLToPath(new URL('../fixtures/runs/round-10-trained', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'cnn-studio-onnx-service-'));
const workspace = join(root, 'workspace');
const runs = join(workspace, 'runs');
mkdirSync(runs, { recursive: true });
cpSync(FIXTURE_RUN, join(runs, 'round-10-trained'), { recursive: true });
const { service, started } = serviceWithoutTraining({ workspace, runs, state: join(root, 'state') });
const round10 = loadPreset(journeyPath(10));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ONNX and PyTorch in the studio service', () => {
  it('exports a design as ONNX with its initial weights and as a PyTorch training script', async () => {
    const onnx = await service.exportDesign('round10', 'onnx', round10);
    expect(onnx.path).toBe(join(workspace, 'round10.onnx'));
    const model = decodeOnnx(readFileSync(onnx.path));
    expect(model.metadata.weights).toBe('initial weights (seed 1)');
    expect(model.graph.initializers.find((t) => t.name === 'conv1.weight')?.dims).toEqual([8, 1, 3, 3]);
    const script = await service.exportDesign('round10_train.py', 'pytorch-train', round10);
    const text = readFileSync(script.path, 'utf8');
    expect(text).toMatch(/^#!\/usr\/bin\/env python3\n"""Journey round 10: Learning-rate schedule: the studio's training, in PyTorch\./);
    expect(text).toContain('torchrun --nproc_per_node=4 train.py --data DATA_FOLDER');
  });

  it('lists ONNX models beside graphs to open, and opens one with the weights training can start from', async () => {
    expect((await service.listFiles('graph')).map((f) => f.path)).toContain('round10.onnx');
    const opened = await service.openGraph('round10.onnx');
    expect(opened).toMatchObject({ path: join(workspace, 'round10.onnx'), imported: 'onnx', importedWeights: { count: 10_088, problem: null } });
    expect(opened.graph.nodes.map((n) => n.id)).toContain('conv7');
    // Save never writes over the model it was imported from: the page gets a .json name, and a
    // write to the model's own name is refused (a binary ONNX file once read as a damaged graph).
    expect((await service.saveGraph('round10.onnx', opened.graph)).path).toBe(join(workspace, 'round10.onnx.json'));
    await expect(writeGraphFile(join(workspace, 'round10.onnx'), opened.graph)).rejects.toThrow(
      `not saved: ${join(workspace, 'round10.onnx')} is an ONNX model, which a save never overwrites; save the design under another name`,
    );
    expect(decodeOnnx(readFileSync(join(workspace, 'round10.onnx'))).graph.nodes.length).toBeGreaterThan(0);
  });

  it('starts a training from an ONNX model\'s weights, and refuses weights that do not fit or lie outside the workspace', async () => {
    const settings = { epochs: 1, limit: 100 };
    await service.startTraining({ graph: round10, settings, backend: 'auto', initialWeights: 'round10.onnx' });
    expect(started.at(-1)?.initialWeights).toBe(join(workspace, 'round10.onnx'));
    const other = loadPreset(journeyPath(8));
    await expect(service.startTraining({ graph: other, settings, backend: 'auto', initialWeights: 'round10.onnx' })).rejects.toThrow(
      /^the weights in .*round10\.onnx do not fit the design: conv3 needs 1×1×16×10, not 3×3×16×16/,
    );
    writeFileSync(join(root, 'outside.onnx'), readFileSync(join(workspace, 'round10.onnx')));
    await expect(service.startTraining({ graph: round10, settings, backend: 'auto', initialWeights: join(root, 'outside.onnx') })).rejects.toThrow(/outside|workspace/);
    expect(started).toHaveLength(1);
  });

  it('exports a run\'s best model as ONNX and as PyTorch with its weights', async () => {
    const onnx = await service.exportRunModel('round-10-trained', 'exports/round10-trained.onnx', 'onnx');
    expect(onnx.files).toEqual([join(workspace, 'exports/round10-trained.onnx')]);
    expect(decodeOnnx(readFileSync(onnx.files[0]!)).metadata.weights).toBe('run round-10-trained, best model (epoch 2, test accuracy 98.71 %)');
    const pytorch = await service.exportRunModel('round-10-trained', 'exports/round10-pytorch', 'pytorch');
    expect(readdirSync(join(workspace, 'exports/round10-pytorch')).sort()).toEqual(['known-predictions.npz', 'model.py', 'weights.npz']);
    expect(pytorch.files).toHaveLength(3);
    const tfjs = await service.exportRunModel('round-10-trained', 'exports/round10-tfjs');
    expect(existsSync(join(workspace, 'exports/round10-tfjs/model.json'))).toBe(true);
    expect(tfjs.files).toHaveLength(2);
  }, 120_000);
});
