/**
 * Block ids are names the user types, and every name must give a model that trains, saves,
 * reloads, evaluates and exports. TensorFlow.js keys plain objects by layer name when it rebuilds a
 * saved model, so a block called `constructor` once trained and saved a model that never loaded
 * again (attacks/min-id-constructor.json). Here every member of Object.prototype is a block id, and
 * the graph's name is one too.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { layerNames } from '../../main/compile/layer-names.ts';
import { runFeatureMaps } from '../../main/evaluate/evaluate-run.ts';
import { loadModel } from '../../main/runs/model-files.ts';
import { readEpochMetrics } from '../../main/runs/run-folder.ts';
import { hasStackTrace, runCli } from '../support/cli.ts';
import { graphOf, type RawNode } from '../support/graphs.ts';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** A chain of twelve blocks of the kinds that make layers, each named after one Object.prototype member. */
const BLOCKS: Omit<RawNode, 'id'>[] = [
  { type: 'input', params: { height: 28, width: 28, channels: 1 } },
  { type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
  { type: 'batchNorm', params: {} },
  { type: 'activation', params: { function: 'relu' } },
  { type: 'maxPool2d', params: { poolSize: 2 } },
  { type: 'dropout', params: { rate: 0.1 } },
  // Explicit padding adds a ZeroPadding2D layer of its own, named after the block.
  { type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: [1, 1, 1, 1] } },
  { type: 'depthwiseConv2d', params: { kernelSize: 3, padding: 'same' } },
  { type: 'activation', params: { function: 'relu' } },
  { type: 'flatten' },
  { type: 'dense', params: { units: 10 } },
  { type: 'output' },
];

function prototypeNamedGraph() {
  expect(PROTOTYPE_NAMES).toHaveLength(BLOCKS.length);
  const nodes = BLOCKS.map((block, i) => ({ ...block, id: PROTOTYPE_NAMES[i]! }));
  const graph = graphOf(nodes, nodes.slice(1).map((node, i) => [nodes[i]!.id, node.id]));
  return { ...graph, name: 'constructor' };
}

describe('block ids that are names of Object.prototype members', () => {
  it('gives every such id its own layer name that TensorFlow.js can key an object by', () => {
    const names = layerNames(prototypeNamedGraph());
    expect(new Set(names.values()).size).toBe(PROTOTYPE_NAMES.length);
    for (const name of names.values()) {
      expect(name in {}, name).toBe(false);
      expect(name).toMatch(/^[A-Za-z0-9][-A-Za-z0-9._]*$/);
    }
  });

  it('train for a step, save, reload, evaluate, show feature maps and export, with the graph named "constructor" too', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-prototype-ids-'));
    const graphPath = join(folder, 'prototype-ids.json');
    writeFileSync(graphPath, JSON.stringify(prototypeNamedGraph()));
    const runs = join(folder, 'runs');

    const train = await runCli(['train', graphPath, '--epochs', '1', '--limit', '64', '--batch', '32', '--backend', 'wasm', '--out', runs, '--json']);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const runDir = join(runs, readdirSync(runs)[0]!);

    const evaluation = await runCli(['eval', runDir, '--json']);
    expect(evaluation.stderr).toBe('');
    expect(evaluation.code).toBe(0);
    const [epoch] = await readEpochMetrics(runDir);
    expect(JSON.parse(evaluation.stdout).accuracy).toBeCloseTo(epoch!.testAccuracy, 6);
    expect((await runCli(['eval', runDir, '--model', 'last'])).code).toBe(0);

    // The studio finds each block's layer in the reloaded model.
    const maps = await runFeatureMaps(runDir, 0);
    expect(maps.layers.map((layer) => layer.nodeId)).toEqual(['__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable']);

    const exported = join(folder, 'tfjs');
    const tfjsExport = await runCli(['export', runDir, '--format', 'tfjs', '--out', exported]);
    expect(tfjsExport.code).toBe(0);
    await tf.setBackend('cpu');
    const model = await loadModel(tf, exported);
    expect(model.layers).toHaveLength(PROTOTYPE_NAMES.length + 1);
    model.dispose();

    for (const format of ['pytorch', 'keras', 'keras-json']) {
      const result = await runCli(['export', graphPath, '--format', format]);
      expect(result.code, `${format}: ${result.stderr}`).toBe(0);
      expect(hasStackTrace(result.stderr)).toBe(false);
    }
    // What Keras JSON names its layers, TensorFlow.js must be able to rebuild.
    const kerasJson = await runCli(['export', graphPath, '--format', 'keras-json']);
    const rebuilt = await tf.models.modelFromJSON(JSON.parse(kerasJson.stdout));
    expect(rebuilt.countParams()).toBeGreaterThan(0);
    rebuilt.dispose();
  }, 180_000);
});
