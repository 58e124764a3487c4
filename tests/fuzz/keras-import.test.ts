/**
 * The Keras / TensorFlow.js importer against mutated topologies (tests/fixtures/keras) and random
 * values, the way a file reaches it: JSON text parsed, recognised as a topology or not, imported.
 * It returns a graph that loads and analyses, or problems with messages; it never throws.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { readGraphFile } from '../../main/files/read-graph-file.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import { importKerasTopology, looksLikeKerasTopology } from '../../main/import/keras.ts';
import { expectCleanMessage, expectLoadOutcome, expectSoundAnalysis } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { kerasMutation, mutateKeras, PROTOTYPE_NAMES } from './support/keras-mutations.ts';
import { anyOrCyclic } from './support/random-values.ts';
import { KERAS_SEEDS } from './support/seed-documents.ts';

const seedIndex = fc.nat({ max: KERAS_SEEDS.length - 1 });
const mutations = fc.array(kerasMutation, { minLength: 1, maxLength: 3 });

/** An import's outcome: a graph that loads and analyses soundly, or problems a person can read. */
function expectImportOutcome(value: unknown): void {
  const imported = importKerasTopology(value);
  if (imported.ok) {
    const reloaded = parseGraphDocument(imported.graph);
    expect(reloaded.ok).toBe(true);
    if (reloaded.ok) expectSoundAnalysis(reloaded.graph, analyzeGraph(reloaded.graph));
    for (const note of imported.notes) expectCleanMessage(note);
    return;
  }
  expect(imported.problems.length).toBeGreaterThan(0);
  for (const problem of imported.problems) {
    expectCleanMessage(problem);
    expect(problem.length).toBeLessThan(2_000);
  }
}

/** What opening a file does with its text: a topology is imported, anything else loaded as a graph. */
function expectFileOutcome(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  if (looksLikeKerasTopology(value)) expectImportOutcome(value);
  else expectLoadOutcome(value, parseGraphDocument(value));
}

/** The text of a value, when it has one (a value nested thousands deep may not). */
function textOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

describe('importing mutated Keras and TensorFlow.js topologies', () => {
  it('imports or refuses with messages, never throws', () => {
    fc.assert(
      fc.property(seedIndex, mutations, (seed, list) => {
        const value = mutateKeras(KERAS_SEEDS[seed], list);
        expect(typeof looksLikeKerasTopology(value)).toBe('boolean');
        expectImportOutcome(value);
        const text = textOf(value);
        if (text !== undefined) expectFileOutcome(text);
      }),
      fuzzOptions(2_000),
    );
  });

  it('refuses random values, cyclic and all, with messages', () => {
    fc.assert(
      fc.property(anyOrCyclic, (value) => {
        expect(typeof looksLikeKerasTopology(value)).toBe('boolean');
        expectImportOutcome(value);
        expectImportOutcome({ class_name: 'Sequential', config: { layers: value } });
        expectImportOutcome({ modelTopology: { class_name: 'Model', config: value } });
      }),
      fuzzOptions(500),
    );
  });

  it('refuses an activation named after a property every object has', () => {
    // A topology that imports as it is, with a ReLU to rename.
    const sequential = KERAS_SEEDS.findIndex((seed) => importKerasTopology(seed).ok && JSON.stringify(seed).includes('"activation":"relu"'));
    expect(sequential).toBeGreaterThanOrEqual(0);
    fc.assert(
      fc.property(fc.constantFrom(...PROTOTYPE_NAMES), (name) => {
        const text = JSON.stringify(KERAS_SEEDS[sequential]).replace(/"activation":"relu"/, `"activation":${JSON.stringify(name)}`);
        const imported = importKerasTopology(JSON.parse(text));
        expect(imported.ok, `activation "${name}" imported as ${JSON.stringify(imported)}`).toBe(false);
      }),
      fuzzOptions(PROTOTYPE_NAMES.length),
    );
  });

  it('reads mutated topology files from disk without throwing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-keras-'));
    const samples = fc.sample(fc.tuple(seedIndex, mutations), fuzzOptions(120));
    for (const [index, [seed, list]] of samples.entries()) {
      const text = textOf(mutateKeras(KERAS_SEEDS[seed], list));
      if (text === undefined) continue;
      const file = join(folder, `model-${index}.json`);
      writeFileSync(file, text);
      const read = await readGraphFile(file);
      if (read.ok) expectSoundAnalysis(read.graph, analyzeGraph(read.graph));
      else for (const problem of read.problems) expectCleanMessage(problem);
    }
    rmSync(folder, { recursive: true, force: true });
  });
});
