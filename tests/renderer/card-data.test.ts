/** What the cards show: one convention for parameters, so the cards add up to the header. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { checkBudgets } from '../../main/analysis/budgets.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { cardData, type BlockCardData } from '../../renderer/src/components/canvas/card-data.ts';
import { canvasView } from '../../renderer/src/editor/canvas-view.ts';
import { chainOf } from '../support/graphs.ts';
import { loadPreset, RESOURCES } from '../support/presets.ts';

const designs = ['journey', 'presets'].flatMap((folder) => readdirSync(`${RESOURCES}${folder}`).map((file) => `${RESOURCES}${folder}/${file}`));

function cards(graph: GraphDocument) {
  const analysis = analyzeGraph(graph);
  return { analysis, data: cardData(graph, analysis, canvasView(graph).cards, 'down', checkBudgets(graph, analysis)) };
}

describe('the parameters convention (issue 11, item 8)', () => {
  it.each(designs)('%s: the cards\' trainable parameters add up to the header\'s, and their shares to 100 %', (path) => {
    for (const compact of [false, true]) {
      const graph = { ...loadPreset(path), layout: { compact } };
      const { analysis, data } = cards(graph);
      const figures = [...data.values()].map((card) => card.figures);
      expect(figures.reduce((sum, f) => sum + f.params.trainable, 0)).toBe(analysis.totals.params.trainable);
      expect(figures.reduce((sum, f) => sum + f.params.nonTrainable, 0)).toBe(analysis.totals.params.nonTrainable);
      expect(figures.reduce((sum, f) => sum + f.share, 0)).toBeCloseTo(1, 10);
    }
  });

  it('shows BatchNorm\'s 16 trainable apart from its 16 non-trainable, its share of the trainable only', () => {
    // 8 channels: γ and β are 16 trainable; the moving mean and variance 16 non-trainable.
    const graph = chainOf([4, 4, 1], [{ type: 'conv2d', params: { filters: 8, kernelSize: 1, useBias: false } }, { type: 'batchNorm' }]);
    const bn = cards(graph).data.get('b2')!.figures;
    expect(bn.params).toEqual({ trainable: 16, nonTrainable: 16 });
    // 8 conv weights + 16: the share is 16 / 24 of the trainable parameters.
    expect(bn.share).toBeCloseTo(16 / 24, 10);
  });

  it('marks a card whose block is unresolved, and the blocks that weigh most in a budget exceeded', () => {
    const graph: GraphDocument = { ...chainOf([8, 8, 1], [{ type: 'conv2d', params: { filters: 4, kernelSize: 3 } }, { type: 'conv2d', params: { filters: 4, kernelSize: 30 } }]), budgets: { params: 10 } };
    const { data } = cards(graph);
    expect(data.get('b2')!.figures.partial).toBe(true);
    expect((data.get('b1') as BlockCardData).overBudget).toEqual(['params']);
    expect((data.get('b2') as BlockCardData).overBudget).toEqual([]);
  });
});
