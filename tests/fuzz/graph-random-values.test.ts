/**
 * The graph loader against values that are not graph documents, or only look like one: it
 * refuses each with readable problems and never throws; whatever does load, the analysis takes
 * without throwing and with exact numbers.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';
import { expectLoadOutcome, expectSoundAnalysis } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { anyOrCyclic, graphShapedValue } from './support/random-values.ts';
import { PRESET_DOCUMENTS } from './support/seed-documents.ts';

function loadAndAnalyse(value: unknown): void {
  const result = parseGraphDocument(value);
  expectLoadOutcome(value, result);
  if (result.ok) expectSoundAnalysis(result.graph, analyzeGraph(result.graph));
}

describe('loading random values', () => {
  it('refuses anything at all (JSON or not, cyclic, BigInt, Map, …) with messages and never throws', () => {
    fc.assert(fc.property(anyOrCyclic, loadAndAnalyse), fuzzOptions(1_500));
  });

  it('refuses graph-shaped objects with fields of the wrong kind, naming them, and analyses the ones that load', () => {
    fc.assert(fc.property(graphShapedValue, loadAndAnalyse), fuzzOptions(2_500));
  });

  it('refuses random JSON text and cut or spliced preset files with a message', () => {
    const presetText = PRESET_DOCUMENTS.map((document) => JSON.stringify(document));
    const spliced = fc
      .tuple(fc.constantFrom(...presetText), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }))
      .map(([text, from, length, insert]) => {
        const start = from % text.length;
        return text.slice(0, start) + insert + text.slice(start + (length % 20));
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), spliced), (text) => {
        const result = parseGraphJson(text);
        expectLoadOutcome(result.ok ? JSON.parse(text) : undefined, result);
        if (result.ok) expectSoundAnalysis(result.graph, analyzeGraph(result.graph));
      }),
      fuzzOptions(1_000),
    );
  });
});
