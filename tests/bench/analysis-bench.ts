/**
 * How long the analysis behind the live counters takes, on the journey's round 10 and on a
 * 500-node residual network: it reruns on every edit, so it must stay far below a frame.
 */
import { readFileSync } from 'node:fs';
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import { parseGraphDocument, parseGraphJson } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { journeyPath } from '../support/presets.ts';

export interface AnalysisBenchRow {
  graph: string;
  nodes: number;
  /** Median and 99th percentile of one analyzeGraph call, milliseconds. */
  analyseMedianMs: number;
  analyseP99Ms: number;
  /** Median of validating the document with the schema (what opening a file costs), milliseconds. */
  loadMedianMs: number;
}

export function runAnalysisBench(): AnalysisBenchRow[] {
  const round10 = readFileSync(journeyPath(10), 'utf8');
  const large = residualNetwork(71);
  return [measure('journey round 10', round10), measure('residual net', JSON.stringify(large))];
}

function measure(name: string, json: string): AnalysisBenchRow {
  const loaded = parseGraphJson(json);
  if (!loaded.ok) throw new Error(`${name} does not load`);
  const graph = loaded.graph;
  const analyse = timings(() => analyzeGraph(graph), 300, 2000);
  const load = timings(() => parseGraphDocument(JSON.parse(json)), 50, 300);
  return {
    graph: name,
    nodes: graph.nodes.length,
    analyseMedianMs: percentile(analyse, 0.5),
    analyseP99Ms: percentile(analyse, 0.99),
    loadMedianMs: percentile(load, 0.5),
  };
}

function timings(run: () => unknown, warmUp: number, count: number): number[] {
  for (let i = 0; i < warmUp; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Input, then `blocks` residual blocks of 7 nodes (conv, BN, ReLU, conv, BN, Add, ReLU), then a head. */
export function residualNetwork(blocks: number): GraphDocument {
  const nodes: object[] = [{ id: 'in', type: 'input', params: { height: 64, width: 64, channels: 16 } }];
  const edges: { source: string; target: string }[] = [];
  let tip = 'in';
  const link = (id: string, from = tip) => {
    edges.push({ source: from, target: id });
    tip = id;
  };
  for (let b = 0; b < blocks; b++) {
    const skip = tip;
    for (const [suffix, node] of [
      ['c1', { type: 'conv2d', params: { filters: 16, kernelSize: 3, padding: 'same', useBias: false } }],
      ['bn1', { type: 'batchNorm' }],
      ['r1', { type: 'activation' }],
      ['c2', { type: 'conv2d', params: { filters: 16, kernelSize: 3, padding: 'same', useBias: false } }],
      ['bn2', { type: 'batchNorm' }],
    ] as const) {
      nodes.push({ id: `b${b}${suffix}`, ...node });
      link(`b${b}${suffix}`);
    }
    nodes.push({ id: `b${b}add`, type: 'add' }, { id: `b${b}r2`, type: 'activation' });
    edges.push({ source: skip, target: `b${b}add` });
    link(`b${b}add`);
    link(`b${b}r2`);
  }
  nodes.push({ id: 'gap', type: 'globalAvgPool' }, { id: 'fc', type: 'dense', params: { units: 10 } }, { id: 'out', type: 'output' });
  link('gap');
  link('fc');
  link('out');
  const result = parseGraphDocument({ format: 'cnn-studio/graph', version: 2, name: 'residual net', nodes, edges });
  if (!result.ok) throw new Error('benchmark graph does not load');
  return result.graph;
}
