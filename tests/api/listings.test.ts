/** What the page lists never empties for one bad entry: the others show, the bad one is listed as skipped. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPresets } from '../../main/api/listings.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { REPO } from '../support/cli.ts';
import { fakeService } from '../support/fake-service.ts';

describe('the preset list', () => {
  it('lists a preset that does not load as skipped, with the reason, and a missing folder the same way', async () => {
    const resources = mkdtempSync(join(tmpdir(), 'cnn-studio-presets-'));
    mkdirSync(join(resources, 'journey'));
    copyFileSync(join(REPO, 'resources', 'journey', 'round-10.json'), join(resources, 'journey', 'round-10.json'));
    const broken = '{"format": "cnn-studio/graph", "version": 2, "nodes": [NaN]}';
    writeFileSync(join(resources, 'journey', 'round-11.json'), broken);
    const presets = await listPresets(resources);
    expect(presets).toEqual([
      expect.objectContaining({ id: 'journey/round-10', group: 'journey', trainableParams: 9896, macs: 1_295_552 }),
      {
        id: 'journey/round-11',
        group: 'journey',
        name: 'round-11.json',
        description: '',
        trainableParams: 0,
        macs: 0,
        layers: [],
        skipped: `${join(resources, 'journey', 'round-11.json')} is not valid JSON: line 1, column ${broken.indexOf('NaN') + 1}: NaN is not a JSON value (write a number or null)`,
      },
      { id: 'presets', group: 'classic', name: 'presets', description: '', trainableParams: 0, macs: 0, layers: [], skipped: `the preset folder ${join(resources, 'presets')} cannot be read: no such file or folder` },
    ]);
    expect(presets[0]!.skipped).toBeUndefined();
    // The welcome's sketch of the design: its block kinds in order.
    expect(presets[0]!.layers.slice(0, 3)).toEqual(['input', 'conv2d', 'activation']);
  });
});

describe('arguments from the page', () => {
  it('are refused in one line when they nest deeper than any document, before a schema or a walk recurses into them', async () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { nested: deep };
    const service = fakeService();
    const outcome = await dispatchCall(service, 'saveGraph', ['x.json', deep]);
    expect(outcome).toEqual({ ok: false, message: 'saveGraph: the arguments nests more than 64 levels deep, deeper than any real document' });
    expect(service.received).toEqual([]);
  });
});
