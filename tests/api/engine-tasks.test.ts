/**
 * The engine process (main/api/engine-tasks/): backend detection, evaluation and feature maps run
 * there, never in the host's own process, with the same results as in-process; the studio's
 * service hands them over with the run's dataset confined; a process that dies fails its task with
 * why, and the next task starts another.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineTasks, type EngineTasks } from '../../main/api/engine-tasks/engine-client.ts';
import type { EngineTask } from '../../main/api/engine-tasks/protocol.ts';
import { createStudioService } from '../../main/api/studio-service.ts';
import { evaluateRun } from '../../main/evaluate/evaluate-run.ts';
import type { Evaluation, FeatureMaps } from '../../main/evaluate/types.ts';
import { runTraining } from '../../main/train/run-training.ts';
import type { SpawnWorker, WorkerLink } from '../../main/train/worker/link.ts';
import { REPO } from '../support/cli.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';
import { quickSettings } from '../support/training.ts';

let runsRoot: string;
let runDir: string;
let engine: EngineTasks;

beforeAll(async () => {
  runsRoot = mkdtempSync(join(tmpdir(), 'cnn-studio-engine-runs-'));
  // A real run with a saved model: one epoch on 96 images, in this process.
  await runTraining({ graph: loadPreset(journeyPath(10)), settings: quickSettings({ epochs: 1, limit: 96 }), backend: 'wasm', runsRoot, threads: 1 }, () => {}, () => null);
  runDir = join(runsRoot, readdirSync(runsRoot)[0]!);
  engine = engineTasks();
}, 120_000);

afterAll(() => engine.dispose());

describe('the engine process', () => {
  it('finds the backends', async () => {
    const statuses = (await engine.run({ type: 'backends' })) as { name: string; available: boolean; detail: string }[];
    expect(statuses.map((s) => s.name)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    expect(statuses.find((s) => s.name === 'wasm')).toMatchObject({ available: true, detail: expect.stringMatching(/^SIMD, FMA, \d+ threads?$/) });
  }, 60_000);

  it('evaluates a run as the same evaluation in this process does', async () => {
    const there = (await engine.run({ type: 'evaluate', runDir, model: 'best', dataset: 'mnist' })) as Evaluation;
    const here = await evaluateRun(runDir, { model: 'best', backend: 'wasm' });
    expect(there.images).toBe(96);
    expect(there.confusion).toEqual(here.confusion);
    expect(there.loss).toBeCloseTo(here.loss, 6);
  }, 60_000);

  it('gives the feature maps of an image, again and again from the model it keeps, and refuses an image that is not there', async () => {
    const first = (await engine.run({ type: 'featureMaps', runDir, index: 5, dataset: 'mnist' })) as FeatureMaps;
    const again = (await engine.run({ type: 'featureMaps', runDir, index: 5, dataset: 'mnist' })) as FeatureMaps;
    expect(first.layers.map((l) => l.nodeId)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'conv6', 'conv7']);
    expect(again.layers).toEqual(first.layers);
    await expect(engine.run({ type: 'featureMaps', runDir, index: 96, dataset: 'mnist' })).rejects.toThrow('there is no test image 96; the test split has 96');
  }, 60_000);

  it('makes Keras JSON, and refuses a document that is no graph', async () => {
    const text = (await engine.run({ type: 'kerasJson', graph: loadPreset(journeyPath(10)) })) as string;
    expect(JSON.parse(text)).toMatchObject({ class_name: 'Model', config: { name: expect.any(String) } });
    await expect(engine.run({ type: 'kerasJson', graph: { format: 'nope' } })).rejects.toThrow(/^the graph is malformed: /);
  }, 60_000);
});

/** A process that answers nothing and exits with `code` as soon as it gets a task. */
function dyingProcess(code: number, started: { count: number }): SpawnWorker {
  return (): WorkerLink => {
    started.count++;
    let exit: (code: number | null, signal: NodeJS.Signals | null) => void = () => {};
    return {
      send: () => setTimeout(() => exit(code, null)),
      onMessage: () => {},
      onExit: (listener) => (exit = listener),
      onError: () => {},
      kill: () => {},
    };
  };
}

describe('an engine process that dies', () => {
  it('fails its task with why, and the next task starts a new one', async () => {
    const started = { count: 0 };
    const tasks = engineTasks(dyingProcess(134, started));
    await expect(tasks.run({ type: 'backends' })).rejects.toThrow('the engine process ran out of memory or was killed (exit code 134)');
    await expect(tasks.run({ type: 'backends' })).rejects.toThrow('exit code 134');
    expect(started.count).toBe(2);
  });
});

describe("the studio's service", () => {
  it('hands evaluations, feature maps and backend detection to the engine process, with the run found by id and its dataset resolved', async () => {
    const sent: EngineTask[] = [];
    const service = createStudioService({
      kind: 'browser',
      workspace: runsRoot,
      runsRoot,
      resourcesDir: join(REPO, 'resources'),
      stateDir: mkdtempSync(join(tmpdir(), 'cnn-studio-engine-state-')),
      emitTrainingEvent: () => {},
      engineTasks: { run: async (task) => (sent.push(task), task.type === 'backends' ? [] : {}), dispose() {} },
    });
    const id = readdirSync(runsRoot)[0]!;
    await service.listBackends();
    await service.evaluateRun(id, 'last');
    await service.featureMaps(id, 3);
    expect(sent).toEqual([
      { type: 'backends' },
      { type: 'evaluate', runDir, model: 'last', dataset: 'mnist' },
      { type: 'featureMaps', runDir, index: 3, dataset: 'mnist' },
    ]);
    // A run the runs folder does not hold never reaches the engine.
    await expect(service.evaluateRun('nonexistent', 'best')).rejects.toThrow();
    expect(sent).toHaveLength(3);
    service.dispose();
  });

  it('has the engine process make Keras JSON, and writes what it makes', async () => {
    const sent: EngineTask[] = [];
    const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-engine-ws-'));
    const service = createStudioService({
      kind: 'browser',
      workspace,
      runsRoot: join(workspace, 'runs'),
      resourcesDir: join(REPO, 'resources'),
      stateDir: mkdtempSync(join(tmpdir(), 'cnn-studio-engine-state-')),
      emitTrainingEvent: () => {},
      engineTasks: { run: async (task) => (sent.push(task), '{"made": "by the engine"}\n'), dispose() {} },
    });
    const graph = loadPreset(journeyPath(10));
    const { path } = await service.exportDesign('round10.json', 'keras-json', graph);
    expect(sent).toEqual([{ type: 'kerasJson', graph }]);
    expect(readFileSync(path, 'utf8')).toBe('{"made": "by the engine"}\n');
    // The code exports need no TensorFlow.js and are made here.
    await service.exportDesign('round10.py', 'pytorch', graph);
    expect(sent).toHaveLength(1);
    service.dispose();
  });
});
