/**
 * Random networks that TensorFlow.js builds, made layer by layer in TensorFlow.js itself and
 * written down as a graph document alongside: whatever tfjs refuses (or builds to an empty map)
 * is dropped and another block tried, so every graph here is one a real engine accepts. The
 * settings range wide on purpose (kernels larger than the map under "same" padding, strides
 * larger than the window, uneven explicit padding, 1-pixel inputs), which tests/support/random-
 * graph.ts never produces, since it keeps only what the analysis accepts.
 *
 * Left out, because the studio models them differently on purpose: Add with broadcasting (tfjs
 * adds a 1×1×C map to an H×W×C one; the studio's Add takes one shape), Dense on a feature map
 * (tfjs applies it per pixel; the studio's Dense takes a flat vector), a dilated DepthwiseConv2D
 * (tfjs 4 ignores the dilation rate, so the studio refuses it), and a Flatten of a flat vector.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../../main/compile/to-tfjs.ts';
import type { Random } from '../../main/data/random.ts';
import { ACTIVATIONS } from '../../main/graph/schema.ts';
import type { GraphDocument } from '../../main/graph/types.ts';
import { graphOf, type RawNode } from './graphs.ts';

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pairOf = (random: Random, low: number, high: number): [number, number] => [int(random, low, high), int(random, low, high)];

type Symbolic = tfjs.SymbolicTensor;

/** What tfjs made of one block. */
export interface BuiltBlock {
  /** The block's output shape, without the batch axis. */
  shape: number[];
  /** Its layers' parameters (a padded convolution's ZeroPadding2D has none). */
  params: { trainable: number; nonTrainable: number };
}

export interface TfjsBuiltGraph {
  graph: GraphDocument;
  model: tfjs.LayersModel;
  blocks: Map<string, BuiltBlock>;
}

interface Builder {
  tf: TensorFlow;
  random: Random;
  nodes: RawNode[];
  edges: [string, string][];
  tensors: Map<string, Symbolic>;
  blocks: Map<string, BuiltBlock>;
  next: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function countParams(layers: tfjs.layers.Layer[]): BuiltBlock['params'] {
  const sum = (weights: tfjs.LayerVariable[]) => weights.reduce((total, w) => total + size(w.shape as number[]), 0);
  return { trainable: layers.reduce((t, l) => t + sum(l.trainableWeights), 0), nonTrainable: layers.reduce((t, l) => t + sum(l.nonTrainableWeights), 0) };
}

/** A random block for an input of this rank, as the graph writes it and as tfjs layers. */
function randomBlock(b: Builder, rank: number): { block: Omit<RawNode, 'id'>; layers: (name: string) => tfjs.layers.Layer[] } {
  const { tf, random } = b;
  const kinds = rank === 3
    ? ['conv2d', 'conv2d', 'depthwiseConv2d', 'maxPool2d', 'avgPool2d', 'batchNorm', 'activation', 'dropout', 'globalAvgPool', 'flatten']
    : ['dense', 'dense', 'batchNorm', 'activation', 'dropout'];
  const type = pick(random, kinds);
  switch (type) {
    case 'conv2d':
    case 'depthwiseConv2d': {
      const kernelSize = pairOf(random, 1, 7);
      const strides = random() < 0.6 ? ([1, 1] as [number, number]) : pairOf(random, 1, 4);
      const dilation = type === 'conv2d' && random() < 0.3 ? pairOf(random, 1, 3) : ([1, 1] as [number, number]);
      const padding = pick(random, ['valid', 'same', 'explicit'] as const);
      const explicit: [number, number, number, number] = [int(random, 0, 3), int(random, 0, 3), int(random, 0, 3), int(random, 0, 3)];
      const useBias = random() < 0.5;
      const filters = int(random, 1, 8);
      const depthMultiplier = int(random, 1, 3);
      const params = {
        ...(type === 'conv2d' ? { filters, dilation } : { depthMultiplier }),
        kernelSize,
        strides,
        padding: padding === 'explicit' ? explicit : padding,
        useBias,
      };
      return {
        block: { type, params },
        layers: (name) => {
          const args = { name, kernelSize, strides, dilationRate: dilation, padding: padding === 'same' ? ('same' as const) : ('valid' as const), useBias };
          const conv = type === 'conv2d' ? tf.layers.conv2d({ ...args, filters }) : tf.layers.depthwiseConv2d({ ...args, depthMultiplier });
          if (padding !== 'explicit') return [conv];
          return [tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: [[explicit[0], explicit[1]], [explicit[2], explicit[3]]] }), conv];
        },
      };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const poolSize = pairOf(random, 1, 5);
      const strides = random() < 0.5 ? undefined : pairOf(random, 1, 4);
      const padding = pick(random, ['valid', 'same'] as const);
      const params = { poolSize, padding, ...(strides ? { strides } : {}) };
      return {
        block: { type, params },
        layers: (name) => {
          const args = { name, poolSize, strides: strides ?? poolSize, padding };
          return [type === 'maxPool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)];
        },
      };
    }
    case 'batchNorm': {
      const momentum = Math.round(random() * 100) / 100;
      const epsilon = 10 ** -int(random, 1, 6);
      return { block: { type, params: { momentum, epsilon } }, layers: (name) => [tf.layers.batchNormalization({ name, axis: -1, momentum, epsilon })] };
    }
    case 'activation': {
      const fn = pick(random, ACTIVATIONS);
      const alpha = Math.round(random() * 50) / 100;
      return {
        block: { type, params: { function: fn, alpha } },
        layers: (name) => [fn === 'leakyRelu' ? tf.layers.leakyReLU({ name, alpha }) : tf.layers.activation({ name, activation: fn })],
      };
    }
    case 'dropout': {
      const rate = Math.round(random() * 90) / 100;
      return { block: { type, params: { rate } }, layers: (name) => [tf.layers.dropout({ name, rate })] };
    }
    case 'globalAvgPool':
      return { block: { type, params: { keepDims: false } }, layers: (name) => [tf.layers.globalAveragePooling2d({ name })] };
    case 'flatten':
      return { block: { type }, layers: (name) => [tf.layers.flatten({ name })] };
    default: {
      const units = int(random, 1, 16);
      const useBias = random() < 0.5;
      return { block: { type: 'dense', params: { units, useBias } }, layers: (name) => [tf.layers.dense({ name, units, useBias })] };
    }
  }
}

/**
 * Applies the block's layers to the inputs; its output, or undefined when tfjs refuses it or it
 * leaves no pixel (tfjs builds a valid window larger than the map to a length of 0 or less).
 */
function tryBlock(b: Builder, block: Omit<RawNode, 'id'>, layers: (name: string) => tfjs.layers.Layer[], inputs: string[]): string | undefined {
  const id = `n${b.next++}`;
  let made: tfjs.layers.Layer[];
  let output: Symbolic;
  try {
    made = layers(id);
    let x: Symbolic | Symbolic[] = inputs.length === 1 ? b.tensors.get(inputs[0]!)! : inputs.map((input) => b.tensors.get(input)!);
    for (const layer of made) x = layer.apply(x) as Symbolic;
    output = x as Symbolic;
    if (output.shape.slice(1).some((side) => side === null || side < 1)) return undefined;
    // Built is not enough: the kernels must run too (tfjs builds a conv with both stride and
    // dilation above 1, then refuses to run it).
    b.tf.tidy(() => {
      let value: tfjs.Tensor | tfjs.Tensor[] = inputs.map((input) => b.tf.zeros([1, ...b.blocks.get(input)!.shape]));
      if (inputs.length === 1) value = value[0]!;
      for (const layer of made) value = layer.apply(value) as tfjs.Tensor;
    });
  } catch {
    return undefined;
  }
  const shape = output.shape.slice(1);
  b.nodes.push({ ...block, id });
  for (const input of inputs) b.edges.push([input, id]);
  b.tensors.set(id, output);
  b.blocks.set(id, { shape: shape as number[], params: countParams(made) });
  return id;
}

/** A unary block on `from` that tfjs builds, trying a few; `from` itself when none does. */
function unary(b: Builder, from: string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const { block, layers } = randomBlock(b, b.blocks.get(from)!.shape.length);
    const id = tryBlock(b, block, layers, [from]);
    if (id) return id;
  }
  return from;
}

/** Two or three branches from `from`, each a short chain (one may be `from` itself), joined by Add or Concat if tfjs joins them. */
function branches(b: Builder, from: string): string {
  const ends: string[] = [];
  const count = int(b.random, 2, 3);
  for (let i = 0; i < count; i++) {
    let tip = from;
    const length = ends.includes(from) ? int(b.random, 1, 2) : int(b.random, 0, 2);
    for (let j = 0; j < length; j++) tip = unary(b, tip);
    if (!ends.includes(tip)) ends.push(tip);
  }
  if (ends.length < 2) return ends[0]!;
  const shapes = ends.map((end) => b.blocks.get(end)!.shape);
  const same = shapes.every((s) => s.length === shapes[0]!.length && s.every((v, i) => v === shapes[0]![i]));
  // Same shapes only for Add (see the top of the file); Concat is tfjs' to judge.
  const type = same && b.random() < 0.5 ? 'add' : 'concat';
  const merged = tryBlock(b, { type }, (name) => [type === 'add' ? b.tf.layers.add({ name }) : b.tf.layers.concatenate({ name, axis: -1 })], ends);
  // Not joinable: carry on from the first branch; the others lead nowhere and are removed below.
  return merged ?? ends[0]!;
}

/** Removes the blocks whose output reaches nothing (branches that could not be joined). */
function prune(b: Builder, output: string): void {
  const keep = new Set([output]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [source, target] of b.edges) if (keep.has(target) && !keep.has(source)) keep.add(source), (changed = true);
  }
  b.nodes = b.nodes.filter((node) => keep.has(node.id));
  b.edges = b.edges.filter(([source, target]) => keep.has(source) && keep.has(target));
}

/** A network tfjs builds and runs, with the graph document that describes it. */
export function tfjsRandomGraph(tf: TensorFlow, random: Random): TfjsBuiltGraph {
  const shape = [int(random, 1, 24), random() < 0.7 ? 0 : int(random, 1, 24), int(random, 1, 4)];
  shape[1] ||= shape[0]!;
  const b: Builder = { tf, random, nodes: [], edges: [], tensors: new Map(), blocks: new Map(), next: 1 };
  const input = tf.input({ shape });
  b.nodes.push({ id: 'in', type: 'input', params: { height: shape[0], width: shape[1], channels: shape[2] } });
  b.tensors.set('in', input);
  b.blocks.set('in', { shape, params: { trainable: 0, nonTrainable: 0 } });

  let tip = 'in';
  for (let step = int(random, 1, 8); step > 0; step--) tip = random() < 0.2 ? branches(b, tip) : unary(b, tip);
  if (b.blocks.get(tip)!.shape.length === 3) {
    const type = random() < 0.5 ? 'flatten' : 'globalAvgPool';
    tip = tryBlock(b, { type }, (name) => [type === 'flatten' ? tf.layers.flatten({ name }) : tf.layers.globalAveragePooling2d({ name })], [tip])!;
  }
  const activation = random() < 0.5 ? 'softmax' : 'none';
  const output = tryBlock(b, { type: 'output', params: { activation } }, (name) => [tf.layers.activation({ name, activation: activation === 'softmax' ? 'softmax' : 'linear' })], [tip])!;
  prune(b, output);

  const model = tf.model({ inputs: input, outputs: b.tensors.get(output)! });
  tf.tidy(() => void model.predict(tf.randomNormal([2, ...shape])));
  const blocks = new Map([...b.blocks].filter(([id]) => b.nodes.some((node) => node.id === id)));
  return { graph: graphOf(b.nodes, b.edges), model, blocks };
}
