/**
 * The graph document as stored on disk (format "cnn-studio/graph", version 2), written as zod
 * schemas. The schema checks structure, types and upper limits (limits.ts) only; whether a value
 * makes sense (a kernel of 0, a negative stride) is the analysis' job, so that a half-finished
 * design still loads and the editor can point at the block that needs fixing.
 */
import { z } from 'zod';
import { onArrays, onStrings } from '../length-checks.ts';
import {
  formatLimit,
  MAX_CHANNELS,
  MAX_DEPTH_MULTIPLIER,
  MAX_BUDGET,
  MAX_DESCRIPTION_LENGTH,
  MAX_EDGES,
  MAX_ID_LENGTH,
  MAX_IMAGE_SIDE,
  MAX_NODES,
  MAX_WINDOW,
} from './limits.ts';
import { trainingSettingsSchema } from './training-settings.ts';

export const GRAPH_FORMAT = 'cnn-studio/graph';
export const GRAPH_VERSION = 2;
/** Older versions the loader still reads, each migrated to the current one (migrate.ts). */
export const READABLE_VERSIONS = [1, 2] as const;

/** A number no larger than `max`; the message names the setting and the limit. */
const atMost = (what: string, max: number) =>
  z.number().max(max, { error: (issue) => `${what} must be at most ${formatLimit(max)} (got ${String(issue.input)})` });

/** Text of at most `max` characters; the message gives the length, not the (long) text. */
const textAtMost = (max: number) =>
  z.string().max(
    max,
    onStrings({ error: (issue: { input?: unknown }) => `must be at most ${formatLimit(max)} characters (has ${formatLimit((issue.input as string).length)})` }),
  );

/** A window setting given once for both axes, or as [height, width]; stored as [height, width]. */
const pair = (what: string) => {
  const side = atMost(what, MAX_WINDOW);
  return z.union([side, z.tuple([side, side])]).transform((v): [number, number] => (typeof v === 'number' ? [v, v] : v));
};

/**
 * Convolution padding: "valid" (none), "same" (TensorFlow's rule: output = ceil(input / stride)),
 * or explicit zero padding given as p, [ph, pw] or [top, bottom, left, right] (PyTorch's `padding=1`
 * is 1); explicit padding is stored as [top, bottom, left, right].
 */
const paddingSide = atMost('padding', MAX_WINDOW);
const convPadding = z
  .union([
    z.enum(['valid', 'same']),
    paddingSide,
    z.tuple([paddingSide, paddingSide]),
    z.tuple([paddingSide, paddingSide, paddingSide, paddingSide]),
  ])
  .transform((v): Padding => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return [v, v, v, v];
    if (v.length === 2) return [v[0], v[0], v[1], v[1]];
    return v;
  });

export type Padding = 'valid' | 'same' | [top: number, bottom: number, left: number, right: number];

export const ACTIVATIONS = [
  'relu',
  'relu6',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'mish',
  'sigmoid',
  'tanh',
  'softplus',
  'softsign',
  'linear',
] as const;
export type ActivationFunction = (typeof ACTIVATIONS)[number];

// `prefault` runs the inner defaults on a missing params object; zod's `default` would not.
const params = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).prefault({} as never);

/** Every block kind, each with its settings and their defaults. */
export const blockParamSchemas = {
  /** The image fed to the network, height × width × channels. */
  input: z.strictObject({
    height: atMost('height', MAX_IMAGE_SIDE),
    width: atMost('width', MAX_IMAGE_SIDE),
    channels: atMost('channels', MAX_CHANNELS),
  }),
  /** 2-D convolution. */
  conv2d: z.strictObject({
    /** Output channels. */
    filters: atMost('filters', MAX_CHANNELS),
    /** Kernel height and width. */
    kernelSize: pair('kernel size'),
    strides: pair('stride').default([1, 1]),
    padding: convPadding.default('valid'),
    dilation: pair('dilation').default([1, 1]),
    /** Whether each filter has a bias term; off is usual before BatchNorm. */
    useBias: z.boolean().default(true),
  }),
  /** Depthwise 2-D convolution: one (or `depthMultiplier`) filter per input channel. */
  depthwiseConv2d: z.strictObject({
    kernelSize: pair('kernel size'),
    depthMultiplier: atMost('depth multiplier', MAX_DEPTH_MULTIPLIER).default(1),
    strides: pair('stride').default([1, 1]),
    padding: convPadding.default('valid'),
    dilation: pair('dilation').default([1, 1]),
    useBias: z.boolean().default(true),
  }),
  /**
   * Batch normalisation over the channel (last) axis. Defaults follow PyTorch (a Keras
   * momentum of 0.9 is PyTorch's 0.1), the convention the journey's numbers come from.
   */
  batchNorm: params({
    momentum: z.number().default(0.9),
    epsilon: z.number().default(1e-5),
    /** Whether a learned shift β is added after normalising (Keras' `center`); missing means true. */
    center: z.boolean().optional(),
    /** Whether a learned scale γ multiplies the normalised values (Keras' `scale`); missing means true. */
    scale: z.boolean().optional(),
  }),
  /** An element-wise nonlinearity; `alpha` is the negative slope of leakyRelu and unused by the others. */
  activation: params({
    function: z.enum(ACTIVATIONS).default('relu'),
    alpha: z.number().default(0.01),
  }),
  /** Dropout: zeroes a `rate` share of the activations while training. */
  dropout: z.strictObject({ rate: z.number() }),
  /** Max pooling; strides default to the pool size. */
  maxPool2d: params({
    poolSize: pair('pool size').default([2, 2]),
    strides: pair('stride').optional(),
    padding: z.enum(['valid', 'same']).default('valid'),
  }),
  /** Average pooling; strides default to the pool size. */
  avgPool2d: params({
    poolSize: pair('pool size').default([2, 2]),
    strides: pair('stride').optional(),
    padding: z.enum(['valid', 'same']).default('valid'),
  }),
  /**
   * Mean over the whole feature map. With `keepDims` the result stays 1×1×C, so a 1×1 conv can
   * follow it (the journey's rounds 7–10); without, it is a flat vector of C.
   */
  globalAvgPool: params({ keepDims: z.boolean().default(false) }),
  /** Flattens H×W×C into one vector. */
  flatten: params({}),
  /** Fully connected layer on a flat vector. */
  dense: z.strictObject({ units: atMost('units', MAX_CHANNELS), useBias: z.boolean().default(true) }),
  /** Element-wise sum of two or more tensors of the same shape (residual connections). */
  add: params({}),
  /** Joins two or more feature maps along the channel axis (inception-style blocks). */
  concat: params({}),
  /** The network's output: class scores, turned into probabilities by softmax or left as logits. */
  output: params({ activation: z.enum(['softmax', 'none']).default('softmax') }),
} as const;

export type BlockType = keyof typeof blockParamSchemas;
export const BLOCK_TYPES = Object.keys(blockParamSchemas) as BlockType[];

const position = z.strictObject({ x: z.number(), y: z.number() });

const nodeBase = {
  /**
   * The block's name: unique within the graph, shown on the block, and carried into the summary,
   * the compiled model's layer names and every export. Renaming a block changes its id.
   */
  id: textAtMost(MAX_ID_LENGTH).min(1, onStrings({ error: 'must not be empty' })),
  /**
   * Whether the block's weights are updated in training (Keras' `trainable`, PyTorch's
   * `requires_grad`); missing means true. A frozen block's weights count as non-trainable.
   */
  trainable: z.boolean().optional(),
  /** Where the editor draws the block; optional, laid out automatically when missing. */
  position: position.optional(),
};

const nodeSchemas = BLOCK_TYPES.map((type) =>
  z.strictObject({
    ...nodeBase,
    type: z.literal(type),
    params: blockParamSchemas[type] as (typeof blockParamSchemas)[typeof type],
  }),
);

// A union over the literal `type` field keeps each node's params typed by its kind.
export const nodeSchema = z.discriminatedUnion(
  'type',
  nodeSchemas as unknown as [
    (typeof nodeSchemas)[number],
    ...(typeof nodeSchemas)[number][],
  ],
);

export const edgeSchema = z.strictObject({
  /** Optional; the editor assigns one when missing. */
  id: textAtMost(MAX_ID_LENGTH).optional(),
  /** The node whose output flows along this edge. */
  source: textAtMost(MAX_ID_LENGTH).min(1, onStrings({ error: 'must not be empty' })),
  /** The node that receives it. For Concat, the edge order in the document is the channel order. */
  target: textAtMost(MAX_ID_LENGTH).min(1, onStrings({ error: 'must not be empty' })),
});

/**
 * Blocks drawn as one card in the editor (Neural Network Console's and Deep Network Designer's
 * groups). A grouping only: the analysis, the compile and every export see the blocks inside.
 */
export const groupSchema = z.strictObject({
  /** Unique among groups; never the id of a block. */
  id: textAtMost(MAX_ID_LENGTH).min(1, onStrings({ error: 'must not be empty' })),
  /** The blocks in the group, by id; a block belongs to at most one group. */
  nodes: z.array(textAtMost(MAX_ID_LENGTH)).min(1, onArrays({ error: 'a group holds at least one block' }))
    .max(MAX_NODES, onArrays({ error: `a group may hold at most ${formatLimit(MAX_NODES)} blocks` })),
  /** Drawn as one card (true) or with its blocks (false, the default). */
  collapsed: z.boolean().optional(),
});

const budget = (what: string, max: number) =>
  z
    .number()
    .positive({ error: (issue) => `the ${what} budget must be above 0 (got ${String(issue.input)})` })
    .max(max, { error: (issue) => `the ${what} budget must be at most ${formatLimit(max)} (got ${String(issue.input)})` });

/**
 * Limits the design is meant to stay within; each is optional. The editor shows each as a gauge
 * and warns, naming the heaviest blocks, when the design goes over.
 */
export const budgetsSchema = z.strictObject({
  /** Trainable parameters. */
  params: budget('parameter', MAX_BUDGET).optional(),
  /** Multiply-accumulates per image (conv and dense layers). */
  macs: budget('MACs', MAX_BUDGET).optional(),
  /** Peak activation memory per image, bytes (float32). */
  activationBytes: budget('activation memory', MAX_BUDGET).optional(),
  /** Size of all weights, trainable and not, bytes (float32). */
  weightBytes: budget('weight size', MAX_BUDGET).optional(),
});

/** How the editor draws the design; changes nothing about the network. */
export const layoutSchema = z.strictObject({
  /** Which way data flows on the canvas: `down` (top to bottom, the default) or `right`. */
  direction: z.enum(['down', 'right']).optional(),
  /**
   * Compact view: a convolution and the BatchNorm, activation and Dropout blocks that directly
   * follow it are drawn as one "conv unit" card; false or missing draws every block.
   */
  compact: z.boolean().optional(),
});

export const graphDocumentSchema = z.strictObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  /** A short title shown in the editor and in summaries. */
  name: textAtMost(MAX_ID_LENGTH).optional(),
  description: textAtMost(MAX_DESCRIPTION_LENGTH).optional(),
  /** At most MAX_NODES; the loader checks the count before looking at any block. */
  nodes: z.array(nodeSchema).max(MAX_NODES, onArrays({ error: `a graph may have at most ${formatLimit(MAX_NODES)} blocks` })),
  edges: z.array(edgeSchema).max(MAX_EDGES, onArrays({ error: `a graph may have at most ${formatLimit(MAX_EDGES)} connections` })),
  /** Blocks drawn together as one card; see groupSchema. */
  groups: z.array(groupSchema).max(MAX_NODES, onArrays({ error: `a graph may have at most ${formatLimit(MAX_NODES)} groups` })).optional(),
  /** Limits to design within; see budgetsSchema. */
  budgets: budgetsSchema.optional(),
  /** Flow direction and compact view of the canvas; see layoutSchema. */
  layout: layoutSchema.optional(),
  /** How this network is meant to be trained; the CLI and the studio start from these settings. */
  training: trainingSettingsSchema.optional(),
});
