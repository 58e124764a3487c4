/** `cnn-studio diff` on a design that is partly broken: its count is a lower bound, and no difference is made of it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('cnn-studio diff with unresolved blocks', () => {
  it('marks the broken side as a lower bound and leaves the difference out', async () => {
    const broken = JSON.parse(readFileSync('resources/journey/round-10.json', 'utf8'));
    broken.nodes.find((n: { id: string }) => n.id === 'conv4').params.kernelSize = 30;
    const file = join(mkdtempSync(join(tmpdir(), 'cnn-studio-diff-')), 'broken.json');
    writeFileSync(file, JSON.stringify(broken));

    const text = await runCli(['diff', 'resources/journey/round-10.json', file]);
    expect(text.stdout).toContain('~ conv4: kernelSize [3,3] → [30,30]');
    // conv4 and the 15 blocks after it are unknown: 3,608 is what the rest adds up to.
    expect(text.stdout).toMatch(/Trainable parameters: 9,896 → ≥ 3,608; 16 blocks unresolved\n?$/);

    const json = JSON.parse((await runCli(['diff', 'resources/journey/round-10.json', file, '--json'])).stdout);
    expect(json.trainableParams).toMatchObject({ before: 9_896, after: 3_608, partial: true, unresolved: { before: [] } });
    expect(json.trainableParams.unresolved.after).toHaveLength(16);
  });
});
