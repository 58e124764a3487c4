/** What the analysis says about a graph and each of its blocks. */

/** A tensor shape without the batch axis: [height, width, channels] or [features]. */
export type Shape = readonly number[];

export type Pair = readonly [height: number, width: number];

/**
 * Receptive field of one output unit, in input pixels, per axis (Araujo et al., Distill 2019):
 * `size` is how many input pixels it sees, `jump` the distance in input pixels between
 * neighbouring units (the effective stride), `start` where the field of unit (0, 0) begins
 * (negative when padding reaches past the image edge).
 */
export interface ReceptiveField {
  size: Pair;
  jump: Pair;
  start: Pair;
}

/** First and last index, inclusive. */
export type Interval = readonly [first: number, last: number];

/** Every pixel (row, column) with the row in one of `rows` and the column in one of `cols`. */
export interface CoverageRegion {
  rows: Interval[];
  cols: Interval[];
}

/**
 * Which input pixels reach some units (the class scores, or one unit of a feature map): exact,
 * pixel by pixel, holes and edges included (coverage.ts).
 */
export interface Coverage {
  /** The input image, [height, width]. */
  image: Pair;
  /** Input pixels that reach the units: each has a path of windows leading to one of them. */
  seen: number;
  /** height × width. */
  total: number;
  /** The pixels seen: the union of these regions; they may overlap. */
  regions: CoverageRegion[];
}

export interface ParamCount {
  /** Learned by the optimizer; what PyTorch's torchsummary reports. */
  trainable: number;
  /**
   * Stored but not learned: BatchNorm's moving mean and variance, and every weight of a frozen
   * block (`trainable: false`); Keras counts these too.
   */
  nonTrainable: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** A stable machine-readable kind, e.g. `cycle`, `spatial-too-small`. */
  code: string;
  message: string;
  /** The block it is about; absent for problems of the whole graph (no input, no output). */
  nodeId?: string;
}

export interface NodeAnalysis {
  id: string;
  type: string;
  /** Shapes arriving on the node's incoming edges, in edge order; empty when unknown. */
  inputShapes: Shape[];
  /** Null when the block or something upstream of it is invalid. */
  outputShape: Shape | null;
  params: ParamCount;
  /** Multiply-accumulates for one sample (convolutions and dense layers). */
  macs: number;
  receptiveField: ReceptiveField | null;
  /** Values in this block's output for one sample; 4 bytes each as float32. */
  activations: number;
}

/**
 * Sums over the blocks whose counts are known. When `unresolved` is not empty the totals are
 * partial, lower bounds: those blocks (or something upstream of them) are invalid, so their
 * parameters, MACs and activations are unknown and left out. Show them with `formatTotal`.
 */
export interface GraphTotals {
  params: ParamCount & { total: number };
  macs: number;
  /** Output values summed over all blocks for one sample, and their size as float32. */
  activations: number;
  activationBytes: number;
  /** Ids of the blocks whose counts are unknown (no output shape), in document order. */
  unresolved: string[];
}

export interface GraphAnalysis {
  /** Per block, keyed by node id; present for every node, analysed or not. */
  nodes: Record<string, NodeAnalysis>;
  /** Node ids in a valid evaluation order (inputs before their consumers); nodes on a cycle come last. */
  order: string[];
  totals: GraphTotals;
  inputShape: Shape | null;
  outputShape: Shape | null;
  /** At the output block; null until the graph is valid up to it. */
  receptiveField: ReceptiveField | null;
  /**
   * Which input pixels reach the output; null until the graph is valid up to it. Describe it with
   * `describeCoverage` (one wording for every place that shows it).
   */
  coverage: Coverage | null;
  diagnostics: Diagnostic[];
  /** True when there is no error: the graph can be compiled and trained. */
  valid: boolean;
}
