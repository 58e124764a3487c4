/**
 * Reads the text of the PyTorch files the exporter writes: the `self.<name> = nn.<Layer>(...)`
 * declarations of `__init__` with their arguments, and the lines of a method. Only for tests of
 * what the file says; what it computes is checked in real PyTorch (pytorch-real.test.ts).
 */

export interface TorchLayer {
  name: string;
  kind: string;
  positional: string[];
  keywords: Record<string, string>;
  /** Parameters switched off by `self.<name>[.<param>].requires_grad_(False)`: all of them, or by name. */
  frozen: Set<string>;
}

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

/** `self.<name>[.weight|.bias].requires_grad_(False)`: a freeze line, not a declaration. */
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
