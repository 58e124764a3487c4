/**
 * A block kind as the analysis sees it: how many inputs it takes, which settings are valid,
 * and the pure arithmetic of its output shape, parameters, MACs and receptive field.
 */
import type { BlockParams, BlockType } from '../../graph/types.ts';
import type { ParamCount, ReceptiveField, Shape } from '../types.ts';

/** An output shape, or why there is none (`code` becomes the diagnostic's code). */
export type ShapeResult = { shape: Shape } | { code: string; error: string };

/**
 * What lies before a block, for shape messages that suggest a fix: a fix is offered only where its
 * premise holds (analysis/upstream.ts). Worked out only when a message is written.
 */
export interface Upstream {
  /** Whether a stride above 1 or a pooling step shrinks the map anywhere before the block. */
  shrunk(): boolean;
  /** `needs-feature-map`: `kind` gets the flat vector `input`; names the block that made it flat and how to keep a map. */
  flatInputMessage(kind: string, input: Shape): string;
  /** `needs-flat-input`: `kind` ("Dense needs a flat vector") gets the map `input`; names where the map comes from. */
  mapInputMessage(kind: string, input: Shape): string;
}

/**
 * What a block kind does and the arithmetic behind its counters, in words and formulas, for the
 * palette's tooltips. Written beside the code that computes the same numbers, so they change
 * together. Symbols: H, W, C for the input's height, width and channels; k kernel (or pool)
 * size, s stride, d dilation, p padding, per axis.
 */
export interface BlockDoc {
  /** One sentence on what the block does. */
  summary: string;
  /** How the output shape follows from the input shape and the settings. */
  shape: string;
  /** Trainable (and non-trainable) parameters; "none" for blocks without weights. */
  params: string;
}

export interface BlockSpec<K extends BlockType> {
  /** Shown in messages and the palette. */
  title: string;
  doc: BlockDoc;
  inputs: { min: number; max: number };
  /** Problems with the settings alone, one message each. */
  checkParams(params: BlockParams[K]): string[];
  outputShape(params: BlockParams[K], inputs: readonly Shape[], upstream: Upstream): ShapeResult;
  params?(params: BlockParams[K], inputs: readonly Shape[], output: Shape): ParamCount;
  macs?(params: BlockParams[K], inputs: readonly Shape[], output: Shape): number;
  /** Defaults to passing the (merged) input field through unchanged. */
  receptiveField?(params: BlockParams[K], inputs: readonly Shape[], fields: readonly ReceptiveField[]): ReceptiveField;
}

export function isFeatureMap(shape: Shape): shape is readonly [number, number, number] {
  return shape.length === 3;
}
