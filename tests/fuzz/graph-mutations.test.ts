/**
 * Valid graph documents (the presets as on disk, seeded random graphs), mutated one to three
 * times: fields deleted or given nasty values, ids duplicated, cycles, dangling and removed
 * edges, block types swapped, blocks renamed or inserted, prototype keys, deep nesting, long
 * strings. The loader refuses what is broken with problems that name the place, and the analysis
 * takes whatever loads without throwing, with every block accounted for and every count exact;
 * the summary table and the diff from the original are drawn for it too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { describeDiff, diffGraphs } from '../../main/analysis/graph-diff.ts';
import { summarize } from '../../main/analysis/summary.ts';
import { renderSummary } from '../../main/cli/print-summary.ts';
import { parseGraphDocument } from '../../main/graph/load.ts';
import { expectCleanMessage, expectLoadOutcome, expectSoundAnalysis } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { graphMutation, mutateGraph } from './support/graph-mutations.ts';
import { GRAPH_SEEDS } from './support/seed-documents.ts';

// The seed by its index, so that a counterexample reads "seed 3, these mutations" rather than a whole document.
const seedIndex = fc.nat({ max: GRAPH_SEEDS.length - 1 });
const mutations = fc.array(graphMutation, { minLength: 1, maxLength: 3 });

describe('loading and analysing mutated graph documents', () => {
  it('refuses broken documents naming the place and analyses the rest soundly', () => {
    fc.assert(
      fc.property(seedIndex, mutations, (seed, list) => {
        const { value, expect: place } = mutateGraph(GRAPH_SEEDS[seed], list);
        const result = parseGraphDocument(value);
        expectLoadOutcome(value, result, place);
        if (!result.ok) return;
        const analysis = analyzeGraph(result.graph);
        expectSoundAnalysis(result.graph, analysis);
        // What the editor and the command line show of it: the summary table and the diff from the original.
        expect(renderSummary(summarize(result.graph, analysis))).toContain('Total params');
        const original = parseGraphDocument(GRAPH_SEEDS[seed]);
        if (original.ok) for (const line of describeDiff(diffGraphs(original.graph, result.graph))) expectCleanMessage(line);
      }),
      fuzzOptions(4_000),
    );
  });
});
