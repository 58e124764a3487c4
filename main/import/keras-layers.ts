/**
 * Mapping one Keras layer onto CNN Studio blocks. A layer becomes one block, or a block plus an
 * Activation block for its `activation` setting, or an Output block for a softmax (or a linear
 * activation) at the end of the model. A layer frozen with `trainable: false` gives frozen blocks.
 *
 * Every setting that changes the model's weights, shapes or what it computes is either carried
 * into the graph or refused by name, as one problem naming the layer and the setting (audited
 * against the Keras 2.15 and Keras 3 layer configs). Regularizers and constraints change what
 * training learns and have no place in a graph, so they are refused too. Not imported, by design
 * and as documented: weights and initialisers (the graph starts untrained, initialised the studio's
 * way), dtype (the studio trains in float32), Dropout's seed, and settings that only matter on
 * several devices (BatchNormalization's `synchronized`).
 */
import type { ActivationFunction, BlockType } from '../graph/types.ts';
import { quoteValue } from '../graph/quote-value.ts';
import { isRecord, type KerasLayer } from './keras-format.ts';

/** A block to create: the first of a layer takes the layer's name as id, the others `${name}_${suffix}`. */
export interface Piece {
  /**
   * A block type, or `zeroPadding2d`, which keras.ts folds into the convolution that follows it,
   * or `reshapeKeepDims` (a Reshape to 1×1×C), which it folds into the GlobalAveragePooling2D
   * before it.
   */
  type: BlockType | 'zeroPadding2d' | 'reshapeKeepDims';
  params: Record<string, unknown>;
  suffix?: string;
  /** False for the blocks of a frozen layer (`trainable: false`). */
  trainable?: boolean;
}

export interface LayerContext {
  /** Rank of the incoming tensor without the batch axis: 3 for a feature map, 1 for a vector. */
  rank: number | undefined;
  /** Whether this layer's output is the model's output. */
  isOutput: boolean;
}

export type LayerMapping =
  | { supported: false }
  | { supported: true; pieces: Piece[]; rank: number | undefined; problems: string[] };

type Mapped = { pieces: Piece[]; rank?: number | undefined };
type Mapper = (r: ConfigReader, ctx: LayerContext) => Mapped;

/** Keras activation names and the studio's equivalent. */
const ACTIVATIONS: Record<string, { function: ActivationFunction; alpha?: number }> = {
  relu: { function: 'relu' },
  relu6: { function: 'relu6' },
  elu: { function: 'elu' },
  selu: { function: 'selu' },
  gelu: { function: 'gelu' },
  swish: { function: 'swish' },
  silu: { function: 'swish' },
  mish: { function: 'mish' },
  sigmoid: { function: 'sigmoid' },
  tanh: { function: 'tanh' },
  softplus: { function: 'softplus' },
  softsign: { function: 'softsign' },
  leaky_relu: { function: 'leakyRelu', alpha: 0.2 }, // Keras 3's default negative slope
  linear: { function: 'linear' },
};

/** Own keys only: "constructor" or "toString" are names in any object, not activations. */
const knownActivation = (name: string) => (Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined);

const activation = (fn: ActivationFunction, alpha?: number): Piece => ({
  type: 'activation',
  params: alpha === undefined ? { function: fn } : { function: fn, alpha },
});

const MAPPERS: Record<string, Mapper> = {
  InputLayer: mapInput,
  ZeroPadding2D: (r) => ({ pieces: [{ type: 'zeroPadding2d', params: { padding: zeroPadding(r) } }], rank: 3 }),
  Conv2D: (r, ctx) => {
    const groups = r.number('groups', 1);
    if (groups !== 1) r.problem(`groups ${groups} (grouped convolution) is not supported`);
    const conv = { type: 'conv2d' as const, params: { filters: r.number('filters'), ...r.window() } };
    return { pieces: [conv, ...r.trailingActivation(ctx)], rank: 3 };
  },
  DepthwiseConv2D: (r, ctx) => {
    const { kernelSize, strides, padding, dilation, useBias } = r.window();
    const params = { kernelSize, depthMultiplier: r.number('depth_multiplier', 1), strides, padding, dilation, useBias };
    return { pieces: [{ type: 'depthwiseConv2d', params }, ...r.trailingActivation(ctx)], rank: 3 };
  },
  BatchNormalization: (r, ctx) => {
    r.channelAxis(ctx);
    if (r.config.renorm === true) r.problem('renorm (batch renormalization) is not supported');
    if (r.config.virtual_batch_size != null) r.problem(`virtual_batch_size ${quoteValue(r.config.virtual_batch_size)} (ghost batch normalization) is not supported`);
    if (r.config.adjustment != null) r.problem('adjustment (a function of the batch) cannot be imported');
    // Keras' momentum is the studio's (0.99 keeps 99% of the running statistics).
    const params: Record<string, unknown> = { momentum: r.number('momentum', 0.99), epsilon: r.number('epsilon', 0.001) };
    // Without a shift or a scale Keras learns C parameters instead of 2·C; carried, not dropped.
    for (const key of ['center', 'scale'] as const) if (!r.bool(key, true)) params[key] = false;
    return { pieces: [{ type: 'batchNorm', params }] };
  },
  Activation: (r, ctx) => {
    const name = r.activationName('activation') ?? 'linear';
    if (name === 'softmax') return { pieces: r.softmaxOutput(ctx) };
    // A linear activation at the end is the model's output, as logits: the studio's Output block
    // with no softmax exports as exactly this layer.
    if (name === 'linear' && ctx.isOutput) return { pieces: [{ type: 'output', params: { activation: 'none' } }] };
    const known = knownActivation(name);
    if (!known) r.problem(`activation ${quoteValue(name, 60)} is not supported`);
    return { pieces: known ? [activation(known.function, known.alpha)] : [] };
  },
  ReLU: (r) => {
    const max = r.optionalNumber('max_value');
    const slope = r.optionalNumber('negative_slope') ?? 0;
    if ((r.optionalNumber('threshold') ?? 0) !== 0) r.problem('a threshold other than 0 is not supported');
    if (max !== undefined && max !== 6) r.problem(`max_value ${max} is not supported (only none, or 6 for ReLU6)`);
    if (max !== undefined && slope !== 0) r.problem('a capped ReLU with a negative slope is not supported');
    return { pieces: [max === 6 ? activation('relu6') : slope !== 0 ? activation('leakyRelu', slope) : activation('relu')] };
  },
  // Keras 2 and TF.js call the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3.
  LeakyReLU: (r) => ({ pieces: [activation('leakyRelu', r.optionalNumber('negative_slope') ?? r.number('alpha', 0.3))] }),
  ELU: (r) => {
    const alpha = r.number('alpha', 1);
    if (alpha !== 1) r.problem(`alpha ${alpha} is not supported; the studio's ELU has alpha 1`);
    return { pieces: [activation('elu')] };
  },
  Softmax: (r, ctx) => {
    r.channelAxis(ctx);
    return { pieces: r.softmaxOutput(ctx) };
  },
  Dropout: (r) => {
    if (r.config.noise_shape != null) r.problem(`noise_shape ${quoteValue(r.config.noise_shape, 60)} is not supported; the studio's Dropout drops single values`);
    return { pieces: [{ type: 'dropout', params: { rate: r.number('rate') } }] };
  },
  SpatialDropout2D: (r) => {
    r.problem("it drops whole channels, which the studio's Dropout (single values) does not; use Dropout");
    return { pieces: [] };
  },
  MaxPooling2D: (r) => ({ pieces: [{ type: 'maxPool2d', params: r.pool() }] }),
  AveragePooling2D: (r) => ({ pieces: [{ type: 'avgPool2d', params: r.pool() }] }),
  GlobalAveragePooling2D: (r) => {
    const keepDims = r.bool('keepdims', false);
    return { pieces: [{ type: 'globalAvgPool', params: { keepDims } }], rank: keepDims ? 3 : 1 };
  },
  Flatten: () => ({ pieces: [{ type: 'flatten', params: {} }], rank: 1 }),
  Reshape: mapReshape,
  Dense: (r, ctx) => {
    const units = r.number('units');
    const useBias = r.bool('use_bias', true);
    const pieces = r.trailingActivation(ctx);
    if (ctx.rank !== 3) return { pieces: [{ type: 'dense', params: { units, useBias } }, ...pieces], rank: 1 };
    // Keras applies Dense to the last axis of a feature map: exactly a 1×1 convolution, same weights.
    return { pieces: [{ type: 'conv2d', params: { filters: units, kernelSize: [1, 1], useBias } }, ...pieces], rank: 3 };
  },
  Add: () => ({ pieces: [{ type: 'add', params: {} }] }),
  Concatenate: (r, ctx) => {
    r.channelAxis(ctx);
    return { pieces: [{ type: 'concat', params: {} }] };
  },
};

/**
 * Reshape, in the two forms that are blocks: to a flat vector (Keras' Flatten, and what the
 * studio exports for a Flatten of a vector), and to 1×1×C (what it exports for a GlobalAvgPool
 * that keeps 1×1, after a GlobalAveragePooling2D; keras.ts joins the two).
 */
function mapReshape(r: ConfigReader): Mapped {
  const target = r.config.target_shape;
  if (Array.isArray(target) && target.length === 1 && typeof target[0] === 'number') return { pieces: [{ type: 'flatten', params: {} }], rank: 1 };
  if (Array.isArray(target) && target.length === 3 && target[0] === 1 && target[1] === 1 && typeof target[2] === 'number') {
    return { pieces: [{ type: 'reshapeKeepDims', params: {} }], rank: 3 };
  }
  r.problem(`target_shape ${quoteValue(target, 60)} is not supported (only a flat vector, or 1×1×C after GlobalAveragePooling2D)`);
  return { pieces: [] };
}

/** The Keras layer classes the importer understands (SpatialDropout2D is known only to be refused with its reason). */
export const SUPPORTED_LAYERS = Object.keys(MAPPERS).filter((name) => name !== 'SpatialDropout2D');

/** ZeroPadding2D's `padding`: p, [ph, pw] or [[top, bottom], [left, right]], as [top, bottom, left, right]. */
function zeroPadding(r: ConfigReader): [number, number, number, number] {
  const value = r.config.padding ?? 1;
  if (typeof value === 'number') return [value, value, value, value];
  if (Array.isArray(value) && value.length === 2) {
    const [h, w] = value as unknown[];
    if (typeof h === 'number' && typeof w === 'number') return [h, h, w, w];
    if (Array.isArray(h) && Array.isArray(w)) return [Number(h[0]), Number(h[1]), Number(w[0]), Number(w[1])];
  }
  r.problem(`padding ${quoteValue(value, 60)} is not a ZeroPadding2D padding`);
  return [0, 0, 0, 0];
}

export function mapLayer(layer: KerasLayer, ctx: LayerContext): LayerMapping {
  const mapper = Object.hasOwn(MAPPERS, layer.className) ? MAPPERS[layer.className] : undefined;
  if (!mapper) return { supported: false };
  const r = new ConfigReader(layer);
  if (layer.config.data_format === 'channels_first') {
    r.problem('data_format "channels_first" is not supported; only channels_last (height × width × channels)');
  }
  const mapped = mapper(r, ctx);
  for (const [key, value] of Object.entries(layer.config)) {
    if (value == null) continue;
    if (/_regularizer$/.test(key)) r.problem(`${key} ${describeObject(value)} cannot be imported: a CNN Studio graph has no weight penalties`);
    if (/_constraint$/.test(key)) r.problem(`${key} ${describeObject(value)} cannot be imported: a CNN Studio graph has no weight constraints`);
  }
  if (layer.config.lora_rank != null && layer.config.lora_rank !== 0) r.problem(`lora_rank ${quoteValue(layer.config.lora_rank)} (LoRA weights) is not supported`);
  const frozen = layer.className !== 'InputLayer' && r.bool('trainable', true) === false;
  const pieces = frozen ? mapped.pieces.map((piece) => ({ ...piece, trainable: false })) : mapped.pieces;
  const rank = 'rank' in mapped ? mapped.rank : ctx.rank;
  return { supported: true, pieces, rank, problems: r.problems };
}

/** `L2 {"l2":0.0005}` for a Keras object, or the value's JSON. */
function describeObject(value: unknown): string {
  if (isRecord(value) && typeof value.class_name === 'string') return `${quoteValue(value.class_name, 40).slice(1, -1)} ${quoteValue(value.config ?? {}, 60)}`;
  return quoteValue(value, 60);
}

/** InputLayer: Keras 2 and TF.js write `batch_input_shape`, Keras 3 `batch_shape`, both with the batch axis. */
function mapInput(r: ConfigReader): Mapped {
  const c = r.config;
  for (const key of ['sparse', 'ragged'] as const) if (c[key] === true) r.problem(`a ${key} input is not supported; CNN Studio's input is a dense image`);
  const withBatch = Array.isArray(c.batch_input_shape) ? c.batch_input_shape : c.batch_shape;
  const shape = Array.isArray(withBatch) ? withBatch.slice(1) : Array.isArray(c.input_shape) ? c.input_shape : undefined;
  if (!shape) {
    r.problem('does not give its shape (no batch_input_shape or batch_shape)');
    return { pieces: [], rank: 3 };
  }
  const text = quoteValue(Array.isArray(withBatch) ? withBatch : shape, 60);
  if (shape.length !== 3) {
    r.problem(`the input shape ${text} is not an image; CNN Studio needs height × width × channels`);
  } else if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    r.problem(`the input shape ${text} has unknown sizes; CNN Studio needs a fixed height, width and channel count`);
  }
  const [height, width, channels] = shape as number[];
  return { pieces: [{ type: 'input', params: { height, width, channels } }], rank: 3 };
}

/** Reads one layer's config, collecting what is wrong instead of throwing. */
class ConfigReader {
  readonly problems: string[] = [];
  readonly config: Record<string, unknown>;

  constructor(readonly layer: KerasLayer) {
    this.config = layer.config;
  }

  problem(message: string): void {
    this.problems.push(`"${this.layer.name}" (${this.layer.className}): ${message}`);
  }

  optionalNumber(key: string): number | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.problem(`${key} must be a number (found ${quoteValue(value, 60)})`);
    return undefined;
  }

  number(key: string, fallback?: number): number {
    const value = this.optionalNumber(key);
    if (value !== undefined) return value;
    if (fallback === undefined && this.config[key] == null) this.problem(`${key} is missing`);
    return fallback ?? 0;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.config[key];
    if (typeof value === 'boolean') return value;
    if (value != null) this.problem(`${key} must be true or false (found ${quoteValue(value, 60)})`);
    return fallback;
  }

  /** Keras writes sizes as `[h, w]`; a single number (or `[n]`) means both. */
  pair(key: string, fallback?: [number, number]): [number, number] {
    const value = this.config[key];
    if (value == null && fallback) return fallback;
    if (typeof value === 'number') return [value, value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
      const [h, w] = value as number[];
      if (h !== undefined && value.length <= 2) return [h, w ?? h];
    }
    this.problem(value == null ? `${key} is missing` : `${key} must be [height, width] (found ${quoteValue(value, 60)})`);
    return fallback ?? [1, 1];
  }

  padding(): 'valid' | 'same' {
    const value = this.config.padding ?? 'valid';
    const text = typeof value === 'string' ? value.toLowerCase() : value;
    if (text === 'valid' || text === 'same') return text;
    this.problem(`padding ${quoteValue(value, 60)} is not supported (only "valid" and "same")`);
    return 'valid';
  }

  /** The sliding-window settings shared by Conv2D and DepthwiseConv2D. */
  window() {
    return {
      kernelSize: this.pair('kernel_size'),
      strides: this.pair('strides', [1, 1]),
      padding: this.padding(),
      dilation: this.pair('dilation_rate', [1, 1]),
      useBias: this.bool('use_bias', true),
    };
  }

  /** Pooling: strides left null mean the pool size. */
  pool() {
    const poolSize = this.pair('pool_size', [2, 2]);
    return { poolSize, strides: this.config.strides == null ? poolSize : this.pair('strides'), padding: this.padding() };
  }

  /** BatchNormalization, Softmax and Concatenate work on the channel axis only: -1, or its index. */
  channelAxis(ctx: LayerContext): void {
    const raw = this.config.axis ?? -1;
    // TF 2.x writes BatchNormalization's axis as a list, e.g. [3].
    const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    const last = ctx.rank ?? 3;
    if (axis !== -1 && axis !== last) {
      this.problem(`axis ${quoteValue(raw, 60)} is not the channel axis; only -1 or ${last} is supported`);
    }
  }

  /** A built-in activation's name: Keras writes "relu", occasionally with a module path or as an object. */
  activationName(key: string): string | undefined {
    let value = this.config[key];
    if (isRecord(value) && typeof value.config === 'string') value = value.config;
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.problem(`${key} ${quoteValue(value, 60)} is not a built-in Keras activation`);
      return undefined;
    }
    return value.slice(value.lastIndexOf('.') + 1);
  }

  /** The block after a Conv2D or Dense for its `activation` setting; a final softmax is the Output block. */
  trailingActivation(ctx: LayerContext): Piece[] {
    const name = this.activationName('activation');
    if (name === undefined || name === 'linear') return [];
    if (name === 'softmax') return this.softmaxOutput(ctx).map((piece) => ({ ...piece, suffix: 'softmax' }));
    const known = knownActivation(name);
    if (!known) {
      this.problem(`activation ${quoteValue(name, 60)} is not supported`);
      return [];
    }
    return [{ ...activation(known.function, known.alpha), suffix: name }];
  }

  softmaxOutput(ctx: LayerContext): Piece[] {
    if (ctx.isOutput) return [{ type: 'output', params: { activation: 'softmax' } }];
    this.problem('softmax is only supported at the model output');
    return [];
  }
}
