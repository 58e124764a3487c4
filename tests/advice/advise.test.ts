import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { adviceKey, adviseGraph, adviseRun, DEFAULT_ADVICE_OPTIONS, GRAPH_RULES, resolveAdviceOptions, RUN_RULES } from '../../main/advice/index.ts';
import { seededRandom } from '../../main/data/random.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { randomGraph } from '../support/random-graph.ts';
import { epoch, graphOf, journeyRound, OPTIONS, ROUNDS, runOf, settingsOf, runContext } from './helpers.ts';

const rulesFired = (graph: GraphDocument) => adviseGraph(graph, analyzeGraph(graph)).map((a) => `${a.rule} ${a.nodeId ?? ''}`.trim());

describe('adviseGraph', () => {
  it('says what the journey learned: only rounds 1 and 3–5 carry a heavy layer, the rest is clean', () => {
    const fired = Object.fromEntries(ROUNDS.map((round) => [round, rulesFired(journeyRound(round).graph)]));
    expect(fired).toEqual({
      1: ['heavy-layer conv6'],
      2: [],
      3: ['heavy-layer conv8'],
      4: ['heavy-layer conv8'],
      5: ['heavy-layer conv8'],
      6: [],
      7: [],
      8: [],
      9: [],
      10: [],
    });
  });

  it('names only blocks that exist, and writes whole sentences', () => {
    for (const round of ROUNDS) {
      const { graph, analysis } = journeyRound(round);
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const advice of adviseGraph(graph, analysis)) {
        if (advice.nodeId !== undefined) expect(ids).toContain(advice.nodeId);
        expect(advice.title).not.toBe('');
        expect(advice.message).toMatch(/^[A-Za-z].*\.$/s);
      }
    }
  });

  it('passes options through to the rules', () => {
    const { graph, analysis } = journeyRound(5);
    expect(adviseGraph(graph, analysis, { heavyLayerShare: 0.5 })).toEqual([]);
  });

  it.each<[string, GraphDocument]>([
    ['an empty graph', graphOf([], [])],
    ['an Input alone', graphOf([{ id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } }], [])],
    ['blocks with nothing connected', graphOf([{ id: 'c', type: 'conv2d', params: { filters: 4, kernelSize: 3 } }, { id: 'p', type: 'maxPool2d' }, { id: 'out', type: 'output' }], [])],
    [
      'a cycle',
      graphOf(
        [
          { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 1 } },
          { id: 'a', type: 'activation' },
          { id: 'b', type: 'batchNorm' },
          { id: 'out', type: 'output' },
        ],
        [['in', 'a'], ['a', 'b'], ['b', 'a'], ['b', 'out']],
      ),
    ],
    ['a 1×1 image pooled', graphOf([{ id: 'in', type: 'input', params: { height: 1, width: 1, channels: 1 } }, { id: 'p', type: 'maxPool2d' }], [['in', 'p']])],
  ])('never throws on %s', (_name, graph) => {
    const analysis = analyzeGraph(graph);
    for (const rule of GRAPH_RULES) expect(() => rule(graph, analysis, OPTIONS)).not.toThrow();
    expect(Array.isArray(adviseGraph(graph, analysis))).toBe(true);
  });

  it('never throws on 300 random graphs with branches, and names only their blocks', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const graph = randomGraph(random);
      const analysis = analyzeGraph(graph);
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const rule of GRAPH_RULES) {
        for (const advice of rule(graph, analysis, OPTIONS)) if (advice.nodeId !== undefined) expect(ids).toContain(advice.nodeId);
      }
    }
  });

  it('keeps going when a rule meets a graph it was not written for', () => {
    const analysis = analyzeGraph(journeyRound(5).graph);
    const broken = { ...journeyRound(5).graph, edges: null } as unknown as GraphDocument;
    expect(adviseGraph(broken, analysis).map((a) => a.rule)).toContain('heavy-layer');
  });
});

describe('adviseRun', () => {
  it('runs every run rule: an over-fitting run with a schedule that never stepped gets both notes', () => {
    const settings = settingsOf({ learningRate: 0.05, schedule: { type: 'step', stepSize: 2 } });
    const run = runOf([0.99, 0.995, 0.998, 0.999], [0.98, 0.98, 0.975, 0.97], () => ({ learningRate: 0.05 }));
    expect(adviseRun(runContext(run, settings)).map((a) => a.rule)).toEqual(['over-fitting', 'schedule-never-changed']);
  });

  it('has nothing to say about a healthy run, or no run at all', () => {
    const healthy = runOf([0.97, 0.985, 0.99, 0.992, 0.993], [0.98, 0.988, 0.99, 0.991, 0.992]);
    expect(adviseRun(runContext(healthy))).toEqual([]);
    expect(adviseRun(runContext([]))).toEqual([]);
  });

  it('never throws on odd epochs', () => {
    const odd = [epoch(0, { trainLoss: Number.POSITIVE_INFINITY, trainAccuracy: Number.NaN, testAccuracy: -1, learningRate: 0 })];
    for (const rule of RUN_RULES) expect(() => rule(runContext(odd, settingsOf({ schedule: { type: 'oneCycle' } })), OPTIONS)).not.toThrow();
  });
});

describe('options and keys', () => {
  it('fills in defaults and ignores values that are not numbers', () => {
    expect(resolveAdviceOptions()).toEqual(DEFAULT_ADVICE_OPTIONS);
    const resolved = resolveAdviceOptions({ objectSize: 7, overfitGap: Number.NaN });
    expect(resolved.objectSize).toBe(7);
    expect(resolved.overfitGap).toBe(0.01);
  });

  it('keys a note by rule and block, so a dismissal survives changing numbers', () => {
    expect(adviceKey({ rule: 'heavy-layer', nodeId: 'conv8' })).toBe('heavy-layer:conv8');
    expect(adviceKey({ rule: 'over-fitting' })).toBe('over-fitting');
  });
});
