/**
 * The smallest input for each bug the fuzzing (and the review around it) found, kept so that it
 * stays fixed. Each test names what used to happen.
 */
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { checkArguments } from '../../main/api/schemas.ts';
import { compileGraph } from '../../main/compile/to-tfjs.ts';
import { openDataset } from '../../main/data/datasets.ts';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';
import { importKerasTopology } from '../../main/import/keras.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { requestSchema } from '../../main/server/rpc.ts';
import { startWebServer } from '../../main/server/web-server.ts';
import { fakeService } from '../support/fake-service.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { graphOf } from '../support/graphs.ts';
import { deeplyNested } from './support/json-mutations.ts';

const HEADER = '"format": "cnn-studio/graph", "version": 1';

describe('the loader', () => {
  it.each([
    ['a cyclic value', (() => { const cycle: Record<string, unknown> = {}; cycle.self = cycle; return cycle; })(), 'must be "cnn-studio/graph" (found an object)'],
    ['a BigInt', 10n, 'must be "cnn-studio/graph" (found a bigint)'],
    ['a value nested 100,000 deep', deeplyNested(100_000, false), 'must be "cnn-studio/graph" (found a list)'],
  ])('refuses %s as the format instead of throwing while quoting it (was: TypeError / RangeError)', (_what, format, message) => {
    expect(parseGraphDocument({ format, version: 1 })).toEqual({ ok: false, problems: [{ path: 'format', message: `${message}; this is not a CNN Studio graph` }] });
  });

  it('refuses an id whose "length" is an object without toString (was: TypeError out of zod\'s length check)', () => {
    const result = parseGraphJson(`{${HEADER}, "nodes": [], "edges": [{"source": {"length": {"toString": 0}}, "target": "a"}]}`);
    expect(result).toEqual({ ok: false, problems: [{ path: 'edges[0].source', message: 'Invalid input: expected string, received object' }] });
  });

  it('keeps a block with the id "__proto__" in the analysis (was: it set the prototype and vanished)', () => {
    const graph = graphOf(
      [
        { id: '__proto__', type: 'input', params: { height: 4, width: 4, channels: 1 } },
        { id: 'f', type: 'flatten' },
        { id: 'out', type: 'output' },
      ],
      [['__proto__', 'f'], ['f', 'out']],
    );
    const analysis = analyzeGraph(graph);
    expect(Object.keys(analysis.nodes).sort()).toEqual(['__proto__', 'f', 'out']);
    expect(analysis.valid).toBe(true);
  });
});

describe('the compiler', () => {
  it('names the padding layer apart from a block called "<conv>_pad" (was: TensorFlow.js refused a valid graph)', async () => {
    await tf.setBackend('cpu');
    const graph = graphOf(
      [
        { id: 'c_pad', type: 'input', params: { height: 6, width: 6, channels: 1 } },
        { id: 'c', type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 1 } },
        { id: 'f', type: 'flatten' },
        { id: 'out', type: 'output' },
      ],
      [['c_pad', 'c'], ['c', 'f'], ['f', 'out']],
    );
    const model = compileGraph(tf, graph);
    expect(model.layers.map((layer) => layer.name)).toEqual(['c_pad', 'c_pad_2', 'c', 'f', 'out']);
    model.dispose();
  });
});

describe('the API and the WebSocket requests', () => {
  it('answers arguments whose "length" is an object without toString (was: a TypeError out of checkArguments)', () => {
    expect(checkArguments('openGraph', [{ length: { toString: 0 } }])).toEqual({ ok: false, message: 'openGraph: argument 0 Invalid input: expected string, received object' });
    expect(requestSchema.safeParse({ id: 1, call: { length: { toString: 0 } }, args: [] }).success).toBe(false);
  });

  it('names a Symbol key and a call name that is no string (was: TypeError converting a Symbol)', () => {
    const symbol = Symbol('key');
    expect(checkArguments('startTraining', [{ graph: {}, settings: { [symbol]: 1 }, backend: 'auto' }])).toEqual({
      ok: false,
      message: 'startTraining: argument 0.settings.Symbol(key) Invalid key in record',
    });
    expect(checkArguments(symbol as never, [])).toEqual({ ok: false, message: 'a call is named by a string, not a symbol' });
  });

  it('refuses the dataset "__proto__" by name (was: TypeError: loader is not a function)', async () => {
    expect(() => openDataset('__proto__')).toThrow(/^unknown dataset "__proto__"/);
    const outcome = await dispatchCall(fakeService(), 'previewDataset', ['constructor']);
    expect(outcome).toEqual({ ok: false, message: 'unknown dataset "constructor"' });
  });

  it('answers request targets no browser sends with 400 and keeps serving (was: an unhandled rejection that ended the server)', async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const server = await startWebServer({ host: '127.0.0.1', port: 0, token: 't', staticDir, service: fakeService(), maxMessageBytes: 65_536 });
    const port = new URL(server.url).port;
    const status = (path: string, upgrade: boolean) =>
      new Promise<number>((resolve) => {
        const headers = upgrade ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } : {};
        const sent = request({ host: '127.0.0.1', port, path, headers });
        sent.on('response', (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        sent.end();
      });
    try {
      expect(await status('/%E0%A4%A', false)).toBe(400);
      expect(await status('//', false)).toBe(400);
      expect(await status('//', true)).toBe(400);
      expect(await status('/', false)).toBe(200);
    } finally {
      await server.close();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});

describe('the studio service', () => {
  it('refuses to save to the workspace folder itself (was: "." saved <workspace>.json beside it, outside)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-dot-'));
    const workspace = join(root, 'workspace');
    const { service } = serviceWithoutTraining({ workspace, runs: join(root, 'runs'), state: join(root, 'state') });
    const graph = await service.loadPreset('journey/round-10');
    try {
      for (const path of ['.', workspace, 'sub/..']) {
        expect(await dispatchCall(service, 'saveGraph', [path, graph])).toEqual({ ok: false, message: `"${path}" is the workspace folder itself; name a file in it` });
        expect(await dispatchCall(service, 'exportDesign', [path, 'pytorch', graph])).toMatchObject({ ok: false });
      }
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the Keras importer', () => {
  const sequential = (activation: unknown, name = 'dense') => ({
    class_name: 'Sequential',
    config: { layers: [{ class_name: 'Dense', config: { name, units: 10, activation, batch_input_shape: [null, 4] } }] },
  });

  it('refuses the activation "constructor" (was: imported as ReLU)', () => {
    const imported = importKerasTopology(sequential('constructor'));
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.problems).toContain('"dense" (Dense): activation "constructor" is not supported');
  });

  it('quotes a long value shortly (was: a megabyte echoed in the message)', () => {
    const imported = importKerasTopology(sequential('x'.repeat(1_000_000)));
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.problems.join('\n').length).toBeLessThan(500);
  });

  it('refuses a layer name over 200 characters', () => {
    expect(importKerasTopology(sequential('relu', 'n'.repeat(201)))).toEqual({
      ok: false,
      problems: ['layers[0] (Dense) has a name of 201 characters; a block\'s id has at most 200'],
    });
  });

  it('refuses 40,000 layers before sorting them (was: about a minute of sorting, quadratic in the layers)', () => {
    const layers = Array.from({ length: 40_000 }, (_, i) => ({ class_name: 'ReLU', name: `r${i}`, config: {}, inbound_nodes: [[[`r${i - 1}`, 0, 0, {}]]] }));
    expect(importKerasTopology({ class_name: 'Functional', config: { layers, input_layers: [['r0', 0, 0]], output_layers: [['r39999', 0, 0]] } })).toEqual({
      ok: false,
      problems: ['the model has 40,000 layers; a CNN Studio graph has at most 2,000 blocks'],
    });
  });
});
