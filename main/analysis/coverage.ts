/**
 * Receptive-field coverage: exactly which input pixels can change a set of units (the class
 * scores, or one unit of a feature map), counted pixel by pixel.
 *
 * The receptive field's size alone cannot say this (Araujo, Norris and Sim, "Computing Receptive
 * Fields of Convolutional Neural Networks", Distill 2019, section "Computing receptive fields of
 * all units"): a field of 36×36 can start before the image and end inside it, and where a stride
 * exceeds a window's span, or a kernel is dilated, the field has holes that no unit sees. So this
 * works backwards from the units, per axis, with the paper's mapping between layers: unit `u` of a
 * window of `k` taps, dilation `d`, stride `s` and padding `p` (before) reads the input positions
 *
 *     u·s − p + m·d,   m = 0 … k − 1,   kept where they fall inside the input (0 … n − 1).
 *
 * Global pooling and Flatten read every position of their map; BatchNorm, activations, Dropout,
 * Add and Concat read the position they write. A tensor's needed positions are the union over the
 * blocks that read it. Rows and columns are independent through a chain of windows, so a chain's
 * needed positions are rows × columns; branches make a union of such products, kept as a short
 * list of regions (and, if some hostile graph makes that list long, as a pixel mask). The count at
 * the Input block is exact: no bound, no estimate.
 */
import type { GraphDocument, GraphNode } from '../graph/types.ts';
import { axisPadding, effectiveKernel } from './conv-arithmetic.ts';
import type { Coverage, CoverageRegion, GraphAnalysis, Interval, Pair, Shape } from './types.ts';

/** Units of a feature-map block: rows and columns of its output, inclusive; all of them when left out. */
export interface UnitSelection {
  rows: Interval;
  cols: Interval;
}

/** Regions kept as a list of row × column products before switching to a pixel mask. */
const MAX_REGIONS = 32;
/** The largest map kept as a pixel mask, in pixels (4 MiB of bytes). */
const MAX_MASK_PIXELS = 2 ** 22;

/** Per-axis position sets: 1 where the position is needed. Never changed once made. */
type Axis = Uint8Array;

/**
 * Every position of an axis, one shared array per length, and what a window reads of one: most
 * maps are needed whole and most windows read their input whole, so the common case is a lookup
 * and the sets compare by identity.
 */
const FULL = new Map<number, Axis>();
const READ_FROM_FULL = new Map<string, Axis>();
const MAX_CACHED = 4096;

function full(length: number): Axis {
  let axis = FULL.get(length);
  if (!axis) {
    if (FULL.size >= MAX_CACHED) FULL.clear();
    axis = new Uint8Array(length).fill(1);
    FULL.set(length, axis);
  }
  return axis;
}

const isFull = (axis: Axis) => axis === FULL.get(axis.length);

/** `axis`, or the shared full array when every position is in it. */
function shared(axis: Axis): Axis {
  return axis.every((v) => v === 1) ? full(axis.length) : axis;
}
type Need =
  /** A flat vector: every feature it holds is needed. */
  | { kind: 'flat' }
  | { kind: 'regions'; height: number; width: number; list: { rows: Axis; cols: Axis }[] }
  | { kind: 'mask'; height: number; width: number; bits: Uint8Array };

/**
 * Which input pixels reach the units of block `target` (all of its units unless `units` says
 * otherwise). Null when the analysis does not know the shapes on the way (a broken block), when
 * the target is not reached from the input, or in the one case no exact answer is kept: a graph
 * whose branches make more than MAX_REGIONS distinct regions on a map larger than MAX_MASK_PIXELS.
 */
export function coverageOf(graph: GraphDocument, analysis: GraphAnalysis, target: string, units?: UnitSelection): Coverage | null {
  const sources = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) sources.get(edge.target)?.push(edge.source);
  return coverageWithin({ byId: new Map(graph.nodes.map((node) => [node.id, node])), sources }, analysis, target, units);
}

/** The graph's structure, as the analysis already has it. */
export interface GraphLinks {
  byId: ReadonlyMap<string, GraphNode>;
  /** Source node ids per node, in edge order. */
  sources: ReadonlyMap<string, readonly string[]>;
}

/** coverageOf for a caller that has the graph's links at hand (analyzeGraph). */
export function coverageWithin(links: GraphLinks, analysis: GraphAnalysis, target: string, units?: UnitSelection): Coverage | null {
  const { byId, sources } = links;
  let input: GraphNode | undefined;
  for (const node of byId.values()) {
    if (node.type !== 'input') continue;
    input = node;
    break;
  }
  const imageShape = input ? analysis.nodes[input.id]?.outputShape : null;
  const targetShape = analysis.nodes[target]?.outputShape;
  if (!input || !imageShape || imageShape.length !== 3 || !targetShape) return null;

  const needs = new Map<string, Need>();
  needs.set(target, seed(targetShape, units));
  const order = analysis.order;
  for (let index = order.indexOf(target); index >= 0; index--) {
    const id = order[index]!;
    const need = needs.get(id);
    const node = byId.get(id);
    if (!need || !node || node.type === 'input') continue;
    for (const source of sources.get(id) ?? []) {
      const shape = analysis.nodes[source]?.outputShape;
      if (!shape) return null;
      const read = readBack(node, need, shape);
      if (read === null) return null;
      const merged = union(needs.get(source), read);
      if (merged === null) return null;
      needs.set(source, merged);
    }
  }
  const atInput = needs.get(input.id);
  const image: Pair = [imageShape[0]!, imageShape[1]!];
  const total = image[0] * image[1];
  if (!atInput || atInput.kind === 'flat') return { image, seen: 0, total, regions: [] };
  return describe(atInput, image);
}

/** The units asked for, as a need on the target's output. */
function seed(shape: Shape, units: UnitSelection | undefined): Need {
  if (shape.length !== 3) return { kind: 'flat' };
  const [height, width] = [shape[0]!, shape[1]!];
  const span = (length: number, interval: Interval | undefined) => {
    if (!interval) return full(length);
    const axis = new Uint8Array(length);
    axis.fill(1, Math.max(0, interval[0]), Math.min(length, interval[1] + 1));
    return shared(axis);
  };
  return { kind: 'regions', height, width, list: [{ rows: span(height, units?.rows), cols: span(width, units?.cols) }] };
}

/** A whole map of `shape` needed. */
function everything(shape: Shape): Need {
  if (shape.length !== 3) return { kind: 'flat' };
  return seed(shape, undefined);
}

/** What `node` reads of its input (of `shape`) to compute the part `need` of its output. */
function readBack(node: GraphNode, need: Need, shape: Shape): Need | null {
  if (shape.length !== 3) return { kind: 'flat' };
  const window = slidingWindow(node);
  if (window) {
    if (need.kind === 'flat') return null; // a window's output is a map
    const [height, width] = [shape[0]!, shape[1]!];
    const axis = (i: 0 | 1, length: number) => {
      const span = effectiveKernel(window.kernel[i], window.dilation[i]);
      const [before] = axisPadding(window.padding, i, length, span, window.strides[i]);
      return (out: Axis) => readAxis(out, length, window.kernel[i], window.dilation[i], window.strides[i], before);
    };
    const rows = axis(0, height);
    const cols = axis(1, width);
    if (need.kind === 'regions') {
      return { kind: 'regions', height, width, list: need.list.map((r) => ({ rows: rows(r.rows), cols: cols(r.cols) })) };
    }
    return { kind: 'mask', height, width, bits: readMask(need, height, width, rows, cols) };
  }
  // Global pooling and Flatten mix every position; every other block reads where it writes.
  if (node.type === 'globalAvgPool' || node.type === 'flatten' || need.kind === 'flat') return everything(shape);
  return need;
}

interface Window {
  kernel: Pair;
  dilation: Pair;
  strides: Pair;
  padding: GraphNode<'conv2d'>['params']['padding'];
}

function slidingWindow(node: GraphNode): Window | undefined {
  switch (node.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return { kernel: node.params.kernelSize, dilation: node.params.dilation, strides: node.params.strides, padding: node.params.padding };
    case 'maxPool2d':
    case 'avgPool2d':
      return { kernel: node.params.poolSize, dilation: [1, 1], strides: node.params.strides ?? node.params.poolSize, padding: node.params.padding };
    default:
      return undefined;
  }
}

/**
 * One axis, backwards through a window: input position i is read when some needed output u has
 * i = u·stride − before + m·dilation for a tap m < kernel. Counted with prefix sums along each
 * chain of positions `dilation` apart, so the cost is the axis length, whatever the kernel.
 */
export function readAxis(out: Axis, length: number, kernel: number, dilation: number, stride: number, before: number): Axis {
  if (!isFull(out)) return windowRead(out, length, kernel, dilation, stride, before);
  const key = `${out.length} ${length} ${kernel} ${dilation} ${stride} ${before}`;
  let read = READ_FROM_FULL.get(key);
  if (!read) {
    if (READ_FROM_FULL.size >= MAX_CACHED) READ_FROM_FULL.clear();
    read = windowRead(out, length, kernel, dilation, stride, before);
    READ_FROM_FULL.set(key, read);
  }
  return read;
}

function windowRead(out: Axis, length: number, kernel: number, dilation: number, stride: number, before: number): Axis {
  // Window starts run from −before on; shift them so that index 0 is position −before.
  const size = length + before;
  const starts = new Int32Array(size);
  for (let u = 0; u < out.length; u++) {
    if (!out[u]) continue;
    const start = u * stride; // position u·stride − before, shifted by +before
    if (start < size) starts[start] = 1;
  }
  // Prefix sums along chains of step `dilation`: sums[j] = starts[j] + starts[j − d] + …
  for (let j = dilation; j < size; j++) starts[j]! += starts[j - dilation]!;
  const reach = kernel * dilation;
  const read = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const j = i + before;
    const upTo = starts[j]!;
    const below = j - reach >= 0 ? starts[j - reach]! : 0;
    if (upTo - below > 0) read[i] = 1;
  }
  return shared(read);
}

/** A pixel mask backwards through a window: columns of every needed row first, then rows of every column. */
function readMask(need: Extract<Need, { kind: 'mask' }>, height: number, width: number, rows: (out: Axis) => Axis, cols: (out: Axis) => Axis): Uint8Array {
  const halfway = new Uint8Array(need.height * width);
  for (let r = 0; r < need.height; r++) halfway.set(cols(need.bits.subarray(r * need.width, (r + 1) * need.width)), r * width);
  const bits = new Uint8Array(height * width);
  const column = new Uint8Array(need.height);
  for (let c = 0; c < width; c++) {
    for (let r = 0; r < need.height; r++) column[r] = halfway[r * width + c]!;
    const read = rows(column);
    for (let r = 0; r < height; r++) if (read[r]) bits[r * width + c] = 1;
  }
  return bits;
}

/** Both needs on one tensor; null when the result cannot be kept exactly (see coverageOf). */
function union(a: Need | undefined, b: Need): Need | null {
  if (!a) return simplify(b);
  if (a.kind === 'flat' || b.kind === 'flat') return { kind: 'flat' };
  if (a.kind === 'regions' && b.kind === 'regions') return simplify({ ...a, list: [...a.list, ...b.list] });
  const bits = toMask(a);
  const other = toMask(b);
  if (!bits || !other) return null;
  for (let i = 0; i < bits.length; i++) bits[i] = bits[i]! | other[i]!;
  return { kind: 'mask', height: a.height, width: a.width, bits };
}

function toMask(need: Extract<Need, { kind: 'regions' | 'mask' }>): Uint8Array | null {
  if (need.kind === 'mask') return need.bits.slice();
  if (need.height * need.width > MAX_MASK_PIXELS) return null;
  const bits = new Uint8Array(need.height * need.width);
  for (const { rows, cols } of need.list) {
    for (let r = 0; r < need.height; r++) {
      if (!rows[r]) continue;
      for (let c = 0; c < need.width; c++) if (cols[c]) bits[r * need.width + c] = 1;
    }
  }
  return bits;
}

/** Drops empty and contained regions, joins regions that share their rows or their columns. */
function simplify(need: Need): Need | null {
  if (need.kind !== 'regions') return need;
  if (need.list.length === 1 && isFull(need.list[0]!.rows) && isFull(need.list[0]!.cols)) return need;
  let list = need.list.filter((r) => (isFull(r.rows) || r.rows.includes(1)) && (isFull(r.cols) || r.cols.includes(1)));
  let changed = list.length > 1;
  while (changed) {
    changed = false;
    outer: for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        if (i === j) continue;
        const [a, b] = [list[i]!, list[j]!];
        const joined = within(a.rows, b.rows) && within(a.cols, b.cols)
          ? b
          : equal(a.rows, b.rows)
            ? { rows: a.rows, cols: or(a.cols, b.cols) }
            : equal(a.cols, b.cols)
              ? { rows: or(a.rows, b.rows), cols: a.cols }
              : undefined;
        if (!joined) continue;
        list = [...list.filter((_, k) => k !== i && k !== j), joined];
        changed = true;
        break outer;
      }
    }
  }
  if (list.length <= MAX_REGIONS) return { ...need, list };
  const bits = toMask({ ...need, list });
  return bits ? { kind: 'mask', height: need.height, width: need.width, bits } : null;
}

const within = (a: Axis, b: Axis) => a === b || isFull(b) || a.every((v, i) => !v || b[i]);
const equal = (a: Axis, b: Axis) => a === b || a.every((v, i) => v === b[i]);
const or = (a: Axis, b: Axis) => shared(a.map((v, i) => v | b[i]!));

/** The count and the regions at the input. */
function describe(need: Extract<Need, { kind: 'regions' | 'mask' }>, image: Pair): Coverage {
  const total = image[0] * image[1];
  if (need.kind === 'mask') {
    const regions: CoverageRegion[] = [];
    let seen = 0;
    for (let r = 0; r < image[0]; r++) {
      const row = need.bits.subarray(r * image[1], (r + 1) * image[1]);
      const cols = intervals(row);
      if (cols.length === 0) continue;
      seen += row.reduce((sum, v) => sum + v, 0);
      regions.push({ rows: [[r, r]], cols });
    }
    return { image, seen, total, regions };
  }
  // Rows that lie in the same regions see the same columns: count each such group once.
  const groups = new Map<string, number>();
  for (let r = 0; r < image[0]; r++) {
    const key = need.list.map((region) => (region.rows[r] ? '1' : '0')).join('');
    if (key.includes('1')) groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  let seen = 0;
  for (const [key, rowCount] of groups) {
    const cols = new Uint8Array(image[1]);
    need.list.forEach((region, i) => {
      if (key[i] === '1') for (let c = 0; c < image[1]; c++) cols[c] = cols[c]! | region.cols[c]!;
    });
    seen += rowCount * cols.reduce((sum, v) => sum + v, 0);
  }
  return { image, seen, total, regions: need.list.map((r) => ({ rows: intervals(r.rows), cols: intervals(r.cols) })) };
}

function intervals(axis: Axis): Interval[] {
  const found: [number, number][] = [];
  for (let i = 0; i < axis.length; i++) {
    if (!axis[i]) continue;
    const last = found[found.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else found.push([i, i]);
  }
  return found;
}

/** Whether pixel (row, col) is among those seen. */
export function coversPixel(coverage: Coverage, row: number, col: number): boolean {
  const inside = (list: Interval[], i: number) => list.some(([first, last]) => i >= first && i <= last);
  return coverage.regions.some((region) => inside(region.rows, row) && inside(region.cols, col));
}

/**
 * The one wording for coverage, used by the summary, the header, the advice and the evaluation's
 * receptive-field box: `covers the whole input`, or `misses 23 of the 144 input pixels`.
 */
export function describeCoverage(coverage: Coverage): string {
  const missed = coverage.total - coverage.seen;
  return missed === 0 ? 'covers the whole input' : `misses ${count(missed)} of the ${count(coverage.total)} input pixels`;
}

/** What one unit sees, for the evaluation's box: `sees 9 input pixels, rows 0–2 and columns 0–2`. */
export function describeUnitCoverage(coverage: Coverage): string {
  if (coverage.seen === 0) return 'sees no input pixel';
  const span = (axis: 'rows' | 'cols') => {
    const first = Math.min(...coverage.regions.flatMap((r) => r[axis].map(([f]) => f)));
    const last = Math.max(...coverage.regions.flatMap((r) => r[axis].map(([, l]) => l)));
    return first === last ? `${axis === 'rows' ? 'row' : 'column'} ${first}` : `${axis === 'rows' ? 'rows' : 'columns'} ${first}–${last}`;
  };
  const box = `${span('rows')} and ${span('cols')}`;
  return `sees ${count(coverage.seen)} input pixel${coverage.seen === 1 ? '' : 's'}, within ${box}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Positions of one axis of a map that a window never reads: before its first window, after its last, between windows. */
export interface UnreadAxis {
  before: number;
  after: number;
  between: number;
}

/**
 * What the windows of a convolution or pooling block leave unread of its `input` map, per axis
 * [rows, columns], over all its output units; undefined for blocks without windows or inputs
 * that are not maps. Where this is not all zero, some of the map never reaches the block's output.
 */
export function unreadByWindows(node: GraphNode, input: Shape): [UnreadAxis, UnreadAxis] | undefined {
  const window = slidingWindow(node);
  if (!window || input.length !== 3) return undefined;
  const axis = (i: 0 | 1): UnreadAxis => {
    const length = input[i]!;
    const span = effectiveKernel(window.kernel[i], window.dilation[i]);
    const [before, after] = axisPadding(window.padding, i, length, span, window.strides[i]);
    const outputs = Math.max(0, Math.floor((length + before + after - span) / window.strides[i]) + 1);
    const read = readAxis(new Uint8Array(outputs).fill(1), length, window.kernel[i], window.dilation[i], window.strides[i], before);
    const first = read.indexOf(1);
    if (first < 0) return { before: length, after: 0, between: 0 };
    const last = read.lastIndexOf(1);
    const unread = read.reduce((sum, v) => sum + (v ? 0 : 1), 0);
    return { before: first, after: length - 1 - last, between: unread - first - (length - 1 - last) };
  };
  return [axis(0), axis(1)];
}
