/**
 * A small reader of the PyTorch files the exporter writes, standing in for Python in CI: it lists
 * the `self.<name> = nn.<Layer>(...)` declarations, counts their parameters from the constructor
 * arguments, and runs `forward` on shapes alone with PyTorch's own size formulas (Conv2d,
 * MaxPool2d/AvgPool2d with ceil_mode, F.pad, torch.cat, ...), refusing what PyTorch would refuse
 * (wrong channel counts, pooling padding above half the window, mismatched merges).
 */

export interface TorchLayer {
  name: string;
  kind: string;
  positional: string[];
  keywords: Record<string, string>;
  /** Parameters switched off by `self.<name>[.<param>].requires_grad_(False)`: all of them, or by name. */
  frozen: Set<string>;
}

/** Shapes without the batch axis, channels first: (C, H, W) or (F,). */
export type TorchShape = number[];

const DECLARATION = /^ {8}self\.(\w+) = nn\.(\w+)\((.*?)\)(?: {2}# .*)?$/;

/** The text between `def <name>(` and the next blank line or `def`, one entry per line. */
export function methodLines(source: string, method: string): string[] {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`    def ${method}(`));
  if (start < 0) throw new Error(`no ${method} method`);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || !line.startsWith('        ')) break;
    body.push(line);
  }
  return body;
}

/** Splits at the commas that are not inside brackets. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if ('([{'.includes(char)) depth++;
    if (')]}'.includes(char)) depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

const FREEZE = /^ {8}self\.(\w+)(?:\.(weight|bias))?\.requires_grad_\(False\)(?: {2}# .*)?$/;

export function parseLayers(source: string): TorchLayer[] {
  const layers: TorchLayer[] = [];
  for (const line of methodLines(source, '__init__').filter((l) => l.trim().startsWith('self.'))) {
    const freeze = FREEZE.exec(line);
    if (freeze) {
      const layer = layers.find((l) => l.name === freeze[1]);
      if (!layer) throw new Error(`${line}: freezes a layer not declared before`);
      layer.frozen.add(freeze[2] ?? 'all');
      continue;
    }
    const match = DECLARATION.exec(line);
    if (!match) throw new Error(`not a layer declaration: ${line}`);
    const positional: string[] = [];
    const keywords: Record<string, string> = {};
    for (const arg of splitTopLevel(match[3]!)) {
      const keyword = /^(\w+)=(.*)$/.exec(arg);
      if (keyword) keywords[keyword[1]!] = keyword[2]!;
      else positional.push(arg);
    }
    layers.push({ name: match[1]!, kind: match[2]!, positional, keywords, frozen: new Set() });
  }
  return layers;
}

/** A Python int or tuple of ints as [a, b]; a single int means both. */
export function pair(text: string | undefined, fallback: [number, number]): [number, number] {
  if (text === undefined) return fallback;
  const numbers = text.replace(/[()]/g, '').split(',').map((t) => t.trim()).filter((t) => t !== '').map(Number);
  if (numbers.some((n) => !Number.isInteger(n))) throw new Error(`not an int pair: ${text}`);
  return numbers.length === 1 ? [numbers[0]!, numbers[0]!] : [numbers[0]!, numbers[1]!];
}

function int(text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`not an int: ${text}`);
  return value;
}

const bias = (layer: TorchLayer) => (layer.keywords.bias ?? 'True') === 'True';

/**
 * Trainable parameters: Conv2d in·out/groups·kh·kw + bias, Linear in·out + bias, BatchNorm C for
 * the weight and C for the bias (none with affine=False); nothing that requires_grad_(False) froze.
 */
export function torchParams(layer: TorchLayer): number {
  if (layer.frozen.has('all')) return 0;
  const counted = (param: 'weight' | 'bias', size: number) => (layer.frozen.has(param) ? 0 : size);
  switch (layer.kind) {
    case 'Conv2d': {
      const [inC, outC] = layer.positional.map(int) as [number, number];
      const [kh, kw] = pair(layer.keywords.kernel_size, [0, 0]);
      const groups = int(layer.keywords.groups ?? '1');
      return counted('weight', (inC * outC * kh * kw) / groups) + counted('bias', bias(layer) ? outC : 0);
    }
    case 'Linear': {
      const [inF, outF] = layer.positional.map(int) as [number, number];
      return counted('weight', inF * outF) + counted('bias', bias(layer) ? outF : 0);
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d': {
      if (layer.keywords.affine === 'False') return 0;
      const channels = int(layer.positional[0]);
      return counted('weight', channels) + counted('bias', channels);
    }
    default:
      return 0;
  }
}

/** PyTorch's pooling_output_shape: floor or ceil, and no window may start in the right padding. */
export function poolLength(length: number, kernel: number, stride: number, pad: number, ceil: boolean): number {
  let out = Math.floor((length + 2 * pad - kernel + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= length + pad) out--;
  return out;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function applyLayer(layer: TorchLayer, shape: TorchShape): TorchShape {
  const [c, h, w] = shape;
  const map = () => check(shape.length === 3, `${layer.name} needs (C, H, W) but gets (${shape})`);
  switch (layer.kind) {
    case 'Conv2d': {
      map();
      const [inC, outC] = layer.positional.map(int) as [number, number];
      const groups = int(layer.keywords.groups ?? '1');
      check(inC === c, `${layer.name} expects ${inC} channels, gets ${c}`);
      check(inC % groups === 0 && outC % groups === 0, `${layer.name}: groups ${groups} do not divide the channels`);
      const k = pair(layer.keywords.kernel_size, [0, 0]);
      const s = pair(layer.keywords.stride, [1, 1]);
      const p = pair(layer.keywords.padding, [0, 0]);
      const d = pair(layer.keywords.dilation, [1, 1]);
      const size = [h!, w!].map((n, i) => Math.floor((n + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1) / s[i]!) + 1);
      check(size.every((n) => n >= 1), `${layer.name}: the kernel does not fit`);
      return [outC, ...size];
    }
    case 'ZeroPad2d': {
      map();
      const [l, r, t, b] = layer.positional[0]!.replace(/[()]/g, '').split(',').map(Number) as number[];
      return [c!, h! + t! + b!, w! + l! + r!];
    }
    case 'MaxPool2d':
    case 'AvgPool2d': {
      map();
      const k = pair(layer.keywords.kernel_size, [0, 0]);
      const s = pair(layer.keywords.stride, k);
      const p = pair(layer.keywords.padding, [0, 0]);
      const ceil = layer.keywords.ceil_mode === 'True';
      check(p.every((pad, i) => pad <= k[i]! / 2), `${layer.name}: pad should be at most half of kernel size`);
      const size = [h!, w!].map((n, i) => poolLength(n, k[i]!, s[i]!, p[i]!, ceil));
      check(size.every((n) => n >= 1), `${layer.name}: the window does not fit`);
      return [c!, ...size];
    }
    case 'BatchNorm2d':
      map();
      check(int(layer.positional[0]) === c, `${layer.name} expects ${layer.positional[0]} channels, gets ${c}`);
      return shape;
    case 'BatchNorm1d':
      check(shape.length === 1 && int(layer.positional[0]) === c, `${layer.name} needs (${layer.positional[0]},), gets (${shape})`);
      return shape;
    case 'AdaptiveAvgPool2d':
      map();
      check(layer.positional[0] === '1', `${layer.name}: only output size 1 is expected`);
      return [c!, 1, 1];
    case 'Flatten':
      return [shape.reduce((a, b) => a * b, 1)];
    case 'Linear': {
      const [inF, outF] = layer.positional.map(int) as [number, number];
      check(shape.length === 1 && shape[0] === inF, `${layer.name} needs (${inF},), gets (${shape})`);
      return [outF];
    }
    default:
      // Activations, Dropout, Identity keep the shape.
      return shape;
  }
}

const same = (a: TorchShape, b: TorchShape) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface ForwardRun {
  /** Per layer, the shape of the whole line it is called in: the block's output (a GAP's after its flatten). */
  lineShapes: Map<string, TorchShape>;
  /** Every layer `forward` calls, in call order (inner calls first). */
  calls: string[];
  output: TorchShape;
  /** How the output is returned: `log_softmax` or `logits`. */
  returns: 'log_softmax' | 'logits';
}

/** Runs `forward` on shapes: every line is `var = expression`, a comment, or `return expression`. */
export function runForward(source: string, input: TorchShape): ForwardRun {
  const layers = new Map(parseLayers(source).map((layer) => [layer.name, layer]));
  const env = new Map<string, TorchShape>([['x', input]]);
  const lineShapes = new Map<string, TorchShape>();
  const calls: string[] = [];

  const evaluate = (text: string): TorchShape => {
    const expr = text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^torch\.cat\(\[(.*)\], dim=1\)$/.exec(expr))) {
      const parts = splitTopLevel(m[1]!).map(evaluate);
      check(parts.every((p) => same(p.slice(1), parts[0]!.slice(1))), `torch.cat of (${parts.join('), (')})`);
      return [parts.reduce((sum, p) => sum + p[0]!, 0), ...parts[0]!.slice(1)];
    }
    if (expr.includes(' + ')) {
      const parts = expr.split(' + ').map(evaluate);
      check(parts.every((p) => same(p, parts[0]!)), `sum of (${parts.join('), (')})`);
      return parts[0]!;
    }
    if ((m = /^F\.log_softmax\((.*), dim=1\)$/.exec(expr))) return evaluate(m[1]!);
    if ((m = /^torch\.flatten\((.*), 1\)$/.exec(expr))) return [evaluate(m[1]!).reduce((a, b) => a * b, 1)];
    if ((m = /^F\.pad\((.*), \((\d+), (\d+), (\d+), (\d+)\)\)$/.exec(expr))) {
      const [c, h, w] = evaluate(m[1]!);
      const [l, r, t, b] = m.slice(2).map(Number) as number[];
      return [c!, h! + t! + b!, w! + l! + r!];
    }
    if ((m = /^(.*)\[:, :, (1?:), (1?:)\]$/.exec(expr))) {
      const [c, h, w] = evaluate(m[1]!);
      return [c!, h! - (m[2] === '1:' ? 1 : 0), w! - (m[3] === '1:' ? 1 : 0)];
    }
    if ((m = /^self\.(\w+)\((.*)\)$/.exec(expr))) {
      const layer = layers.get(m[1]!);
      if (!layer) throw new Error(`forward calls self.${m[1]}, which __init__ does not declare`);
      const shape = applyLayer(layer, evaluate(m[2]!));
      calls.push(layer.name);
      return shape;
    }
    if (/^\w+$/.test(expr)) {
      const shape = env.get(expr);
      if (!shape) throw new Error(`forward reads ${expr} before setting it`);
      return shape;
    }
    throw new Error(`cannot read the expression ${expr}`);
  };

  for (const raw of methodLines(source, 'forward')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const ret = /^return (.*)$/.exec(line);
    if (ret) {
      return { lineShapes, calls, output: evaluate(ret[1]!), returns: ret[1]!.startsWith('F.log_softmax(') ? 'log_softmax' : 'logits' };
    }
    const assignment = /^(\w+) = (.*)$/.exec(line);
    if (!assignment) throw new Error(`cannot read the forward line ${line}`);
    const before = calls.length;
    const shape = evaluate(assignment[2]!);
    for (const name of calls.slice(before)) lineShapes.set(name, shape);
    env.set(assignment[1]!, shape);
  }
  throw new Error('forward returns nothing');
}
