/**
 * The largest graph document the loader accepts, and the largest value of each block setting.
 * They exist so that a mistaken or hostile file (ten thousand blocks, a kernel of a billion) is
 * refused on load with a message naming the limit, instead of stalling the editor, the analysis
 * or TensorFlow.js. Every limit sits far above any small CNN one would design here (the journey's
 * rounds have under 30 blocks, ResNet-152 drawn as blocks about 600); docs/graph-format.md lists
 * them. Lower bounds are not here: a half-finished design (filters 0) still loads, and the
 * analysis points at the block.
 */

/** Blocks in one graph. */
export const MAX_NODES = 2_000;
/** Connections in one graph. */
export const MAX_EDGES = 5_000;

/** Characters in a node id, an edge id or end, a group id and the graph's name. */
export const MAX_ID_LENGTH = 200;
/** Characters in the graph's description. */
export const MAX_DESCRIPTION_LENGTH = 10_000;

/** Input height and width, pixels. */
export const MAX_IMAGE_SIDE = 16_384;
/** Input channels, Conv2d filters and Dense units. */
export const MAX_CHANNELS = 65_536;
/** DepthwiseConv2d's filters per input channel. */
export const MAX_DEPTH_MULTIPLIER = 1_024;
/** Kernel and pool sizes, strides, dilation and explicit padding per side, pixels. */
export const MAX_WINDOW = 1_024;

/** Any budget (parameters, MACs, bytes): 2⁵³, the largest integer a count stays exact at. */
export const MAX_BUDGET = Number.MAX_SAFE_INTEGER;

/** `16384` as `16,384`, the way the messages and the documentation write limits. */
export function formatLimit(value: number): string {
  return value.toLocaleString('en-US');
}
