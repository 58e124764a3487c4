/**
 * Valid documents to start mutating from: the shipped presets as they are on disk, seeded random
 * graphs from tests/support/random-graph.ts, and the Keras / TensorFlow.js topologies in
 * tests/fixtures/keras.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../../main/data/random.ts';
import { RESOURCES } from '../../support/presets.ts';
import { randomGraph } from '../../support/random-graph.ts';
import { FUZZ_SEED } from './fuzz-settings.ts';

const KERAS_FIXTURES = fileURLToPath(new URL('../../fixtures/keras/', import.meta.url));

function readJsonFolder(folder: string): unknown[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as unknown);
}

/** The journey's ten rounds and the classic presets, as written on disk (shorthands and all). */
export const PRESET_DOCUMENTS: unknown[] = [...readJsonFolder(join(RESOURCES, 'journey')), ...readJsonFolder(join(RESOURCES, 'presets'))];

/** Random graphs the analysis accepts, with every default written out. */
export const RANDOM_DOCUMENTS: unknown[] = (() => {
  const random = seededRandom(FUZZ_SEED);
  return Array.from({ length: 40 }, () => JSON.parse(JSON.stringify(randomGraph(random))) as unknown);
})();

export const GRAPH_SEEDS: unknown[] = [...PRESET_DOCUMENTS, ...RANDOM_DOCUMENTS];

export const KERAS_SEEDS: unknown[] = readJsonFolder(KERAS_FIXTURES);
