/**
 * Seeded random graphs that the analysis accepts, for cross-checks against a real engine:
 * chains of every block kind with residual (Add) and inception-style (Concat) branches. Being
 * filtered by the analysis, they can never show it refusing a graph wrongly; tfjs-random-graph.ts
 * makes graphs the other way round, from what TensorFlow.js builds.
 */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { Shape } from '../../main/analysis/types.ts';
import { ACTIVATIONS } from '../../main/graph/schema.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { graphOf, type RawNode } from './graphs.ts';
import type { Random } from '../../main/data/random.ts';

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1));

interface Builder {
  nodes: RawNode[];
  edges: [string, string][];
  tip: string;
  next: number;
}

export function randomGraph(random: Random): GraphDocument {
  const size = pick(random, [6, 9, 12, 16, 28]);
  const b: Builder = {
    nodes: [{ id: 'in', type: 'input', params: { height: size, width: pick(random, [size, size + 3]), channels: pick(random, [1, 2, 3]) } }],
    edges: [],
    tip: 'in',
    next: 1,
  };
  const steps = int(random, 2, 9);
  for (let step = 0; step < steps; step++) {
    // Try a few candidates; keep the first that leaves the graph valid so far.
    for (let attempt = 0; attempt < 6; attempt++) {
      const trial = structuredClone(b);
      addRandomBlock(random, trial, shapeAt(trial));
      if (isValidSoFar(trial)) {
        Object.assign(b, trial);
        break;
      }
    }
  }
  if (shapeAt(b).length === 3) append(b, { type: random() < 0.5 ? 'flatten' : 'globalAvgPool' });
  if (random() < 0.7) append(b, { type: 'dense', params: { units: int(random, 2, 12), useBias: random() < 0.5 } });
  append(b, { type: 'output', params: { activation: pick(random, ['softmax', 'none']) } });
  return graphOf(b.nodes, b.edges);
}

function addRandomBlock(random: Random, b: Builder, shape: Shape): void {
  if (shape.length === 1) {
    const type = pick(random, ['dense', 'batchNorm', 'activation', 'dropout']);
    append(b, blockOf(random, type));
    return;
  }
  const type = pick(random, ['conv2d', 'conv2d', 'depthwiseConv2d', 'batchNorm', 'activation', 'dropout', 'maxPool2d', 'avgPool2d', 'residual', 'inception', 'globalAvgPool', 'flatten']);
  if (type === 'residual') return addResidual(random, b, shape);
  if (type === 'inception') return addInception(random, b);
  append(b, blockOf(random, type));
}

function blockOf(random: Random, type: string): Omit<RawNode, 'id'> {
  switch (type) {
    case 'conv2d':
    case 'depthwiseConv2d': {
      const strides = random() < 0.3 ? [int(random, 1, 2), int(random, 1, 2)] : 1;
      const dilation = type === 'conv2d' && strides === 1 && random() < 0.2 ? 2 : 1;
      const padding = pick(random, ['valid', 'same', int(random, 0, 2), [int(random, 0, 2), int(random, 0, 2), int(random, 0, 1), int(random, 0, 1)]]);
      const common = { kernelSize: [int(random, 1, 5), int(random, 1, 5)], strides, dilation, padding, useBias: random() < 0.5 };
      return type === 'conv2d'
        ? { type, params: { filters: int(random, 1, 12), ...common } }
        : { type, params: { depthMultiplier: int(random, 1, 2), ...common } };
    }
    case 'maxPool2d':
    case 'avgPool2d':
      return { type, params: { poolSize: [int(random, 1, 3), int(random, 1, 3)], ...(random() < 0.5 ? { strides: int(random, 1, 2) } : {}), padding: pick(random, ['valid', 'same']) } };
    case 'activation':
      return { type, params: { function: pick(random, ACTIVATIONS), alpha: 0.1 } };
    case 'dropout':
      return { type, params: { rate: Math.round(random() * 50) / 100 } };
    case 'dense':
      return { type, params: { units: int(random, 1, 16), useBias: random() < 0.5 } };
    case 'globalAvgPool':
      return { type, params: { keepDims: random() < 0.5 } };
    default:
      return { type };
  }
}

/** A residual block: conv (same) → BN on one path, the identity on the other, joined by Add. */
function addResidual(random: Random, b: Builder, shape: Shape): void {
  const skip = b.tip;
  append(b, { type: 'conv2d', params: { filters: shape[2], kernelSize: pick(random, [1, 3]), padding: 'same', useBias: false } });
  append(b, { type: 'batchNorm' });
  const add = id(b);
  b.nodes.push({ id: add, type: 'add' });
  b.edges.push([b.tip, add], [skip, add]);
  b.tip = add;
}

/** Two or three convolution branches with "same" padding joined by Concat. */
function addInception(random: Random, b: Builder): void {
  const from = b.tip;
  const cat = id(b);
  const branches: string[] = [];
  for (let i = int(random, 2, 3); i > 0; i--) {
    b.tip = from;
    append(b, { type: 'conv2d', params: { filters: int(random, 1, 6), kernelSize: pick(random, [1, 3, 5]), padding: 'same' } });
    branches.push(b.tip);
  }
  b.nodes.push({ id: cat, type: 'concat' });
  for (const branch of branches) b.edges.push([branch, cat]);
  b.tip = cat;
}

function append(b: Builder, block: Omit<RawNode, 'id'>): void {
  const node = { ...block, id: id(b) };
  b.nodes.push(node);
  b.edges.push([b.tip, node.id]);
  b.tip = node.id;
}

function id(b: Builder): string {
  return `n${b.next++}`;
}

/** Valid apart from the missing Output block, which comes last. */
function isValidSoFar(b: Builder): boolean {
  const analysis = analyzeGraph(graphOf(b.nodes, b.edges));
  return analysis.diagnostics.every((d) => d.code === 'no-output');
}

function shapeAt(b: Builder): Shape {
  return analyzeGraph(graphOf(b.nodes, b.edges)).nodes[b.tip]!.outputShape!;
}
