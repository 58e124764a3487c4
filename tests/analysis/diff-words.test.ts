/** "What changed" between two runs, in the words of the studio's forms rather than raw keys. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDiffInWords } from '../../main/analysis/diff-words.ts';
import { diffGraphs } from '../../main/analysis/graph-diff.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { REPO } from '../support/cli.ts';

const load = (name: string) => JSON.parse(readFileSync(join(REPO, 'resources/journey', name), 'utf8')) as GraphDocument;

describe('a difference in words', () => {
  it('names round 10’s changes over round 9 as the training form does', () => {
    expect(describeDiffInWords(diffGraphs(load('round-09.json'), load('round-10.json')))).toEqual([
      'Learning rate: 0.01 → 0.05',
      'Schedule: constant → step (StepLR): ×0.1 every 6 epochs',
    ]);
  });

  it('names blocks added, removed and changed, and rewiring', () => {
    const before = load('round-06.json');
    const after = load('round-07.json');
    const lines = describeDiffInWords(diffGraphs(before, after));
    expect(lines.some((line) => /^Added \w+ \(/.test(line))).toBe(true);
    expect(lines.some((line) => /^conv\d: .*→/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Connections: \d+ added, \d+ removed$/);
    expect(lines.join('\n')).not.toMatch(/kernelSize|useBias|"/);
  });

  it('shows augmentation, image limits and optimizers in their units', () => {
    const base: GraphDocument = { format: 'cnn-studio/graph', version: 2, nodes: [], edges: [], training: { optimizer: 'sgd', augment: { rotate: 0, shift: 0 } } as never };
    const after: GraphDocument = { ...base, training: { optimizer: 'adam', augment: { rotate: 7, shift: 2 }, limit: 2000 } as never };
    expect(describeDiffInWords(diffGraphs(base, after))).toEqual(['Optimizer: SGD → Adam', 'Rotation: ±0° → ±7°', 'Shift: ±0 px → ±2 px', 'Images: all → 2,000']);
  });

  it('names a change within one schedule by its setting, and the recipe settings in their units', () => {
    const base: GraphDocument = { format: 'cnn-studio/graph', version: 2, nodes: [], edges: [], training: { schedule: { type: 'multiStep', milestones: [10, 15], gamma: 0.1 }, weightDecay: 0, validation: 'auto' } as never };
    const after: GraphDocument = { ...base, training: { schedule: { type: 'multiStep', milestones: [8, 12], gamma: 0.1 }, weightDecay: 5e-4, validation: 5000 } as never };
    expect(describeDiffInWords(diffGraphs(base, after))).toEqual(['Milestones: epochs 10, 15 → epochs 8, 12', 'Weight decay: none → 0.0005', 'Validation split: auto (a twelfth, at most 5,000) → 5,000 images']);
  });
});
