/**
 * Python spelling for the exporters: identifiers from node ids (valid, unique, clear of keywords,
 * of the names the generated files use themselves and of nn.Module's own attributes), a class
 * name from the graph's name, and Python literals for strings, numbers and tuples.
 */
import type { GraphDocument } from '../graph/types.ts';

const KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type', '_',
];

/** Names the generated files use: modules, the forward argument, the Keras script's variables. */
const GENERATED = [
  'x', 'self', 'super', 'torch', 'nn', 'F', 'np', 'tf', 'keras', 'layers', 'inputs', 'outputs', 'model', 'out', 'trainable',
  'print', 'sum', 'tuple', 'EXPECTED_TRAINABLE_PARAMS', 'EXPECTED_TOTAL_PARAMS', 'INPUT_SHAPE', 'NUM_CLASSES',
];

/**
 * nn.Module's methods and attributes: `self.train = nn.Linear(...)` would register the layer,
 * but `self.train(x)` would still find the method first.
 */
const MODULE_ATTRIBUTES = [
  'training', 'forward', 'train', 'eval', 'to', 'to_empty', 'cuda', 'cpu', 'xpu', 'ipu', 'mtia', 'float', 'double',
  'half', 'bfloat16', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'children', 'named_children',
  'modules', 'named_modules', 'state_dict', 'load_state_dict', 'apply', 'zero_grad', 'requires_grad_',
  'register_buffer', 'register_parameter', 'register_module', 'add_module', 'get_submodule', 'set_submodule',
  'get_parameter', 'get_buffer', 'get_extra_state', 'set_extra_state', 'extra_repr', 'share_memory', 'compile',
  'dump_patches', 'call_super_init', 'register_forward_hook', 'register_forward_pre_hook',
  'register_backward_hook', 'register_full_backward_hook', 'register_full_backward_pre_hook',
  'register_state_dict_pre_hook', 'register_load_state_dict_post_hook',
];

const RESERVED = new Set([...KEYWORDS, ...GENERATED, ...MODULE_ATTRIBUTES]);

/** An ASCII Python identifier for a node id: `conv-1` → `conv_1`, `1x1` → `n_1x1`. */
export function pythonIdentifier(text: string): string {
  // Leading underscores would make private or name-mangled attributes (`self.__x`).
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+/, '');
  if (cleaned === '') return 'node';
  return /^[0-9]/.test(cleaned) ? `n_${cleaned}` : cleaned;
}

/** Hands out identifiers that are unique and not reserved: `name`, `name_2`, `name_3`, …, `in_` for `in`. */
export class PythonNamer {
  private readonly taken = new Set<string>();

  claim(wanted: string): string {
    // A keyword or a name the file uses gets a trailing underscore, as PEP 8 suggests (`in` → `in_`).
    const base = RESERVED.has(wanted) ? `${wanted}_` : wanted;
    let name = base;
    for (let n = 2; this.taken.has(name) || RESERVED.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
}

/** One identifier per node, in document order; the same graph always gets the same names. */
export function pythonNames(graph: GraphDocument, namer = new PythonNamer()): Map<string, string> {
  return new Map(graph.nodes.map((node) => [node.id, namer.claim(pythonIdentifier(node.id))]));
}

/**
 * "Journey round 1: Plain set-up" → `JourneyRound1PlainSetUp`; `Net` when nothing usable is
 * left, `Net` in front of a leading digit or a name Python or the file already uses (`None`, `F`).
 */
export function pythonClassName(title: string | undefined, fallback = 'Net'): string {
  const words = (title ?? '').split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (name === '') return fallback;
  return /^[0-9]/.test(name) || RESERVED.has(name) ? `${fallback}${name}` : name;
}

/** A class name given by the caller, used as it is when it is a usable Python identifier. */
export function checkedClassName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name)) {
    throw new Error(`"${name}" cannot be the model's class name: use letters, digits and underscores, not starting with a digit, and not a Python keyword`);
  }
  return name;
}

/** A double-quoted Python string; JSON's escapes are all valid in Python. */
export function pyString(text: string): string {
  return JSON.stringify(text);
}

/** A Python float literal without floating-point noise: 1 - 0.9 → `0.1`, 1 → `1.0`, 0.00001 → `1e-5`. */
export function pyFloat(value: number): string {
  const clean = Number(value.toPrecision(12));
  if (Number.isInteger(clean) && Math.abs(clean) < 1e16) return `${clean}.0`;
  return clean !== 0 && Math.abs(clean) < 1e-4 ? clean.toExponential() : String(clean);
}

/** An integer with thousands separators, for comments and docstrings: 6379786 → `6,379,786`. */
export function grouped(value: number): string {
  return value.toLocaleString('en-US');
}

/** A square pair as one number (`3`), otherwise a tuple (`(3, 5)`), as PyTorch and Keras accept both. */
export function pyPair(pair: readonly [number, number] | readonly number[]): string {
  return pair[0] === pair[1] ? String(pair[0]) : pyTuple(pair);
}

export function pyTuple(values: readonly (number | string)[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/**
 * Text for a docstring or a comment, on one line: no line breaks or control characters, and no
 * double quote or backslash that could end a docstring early or start an escape.
 */
export function oneLine(text: string): string {
  return text
    .replace(/[\s\x00-\x1f\x7f]+/g, ' ')
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .trim();
}

/** Words wrapped into lines of at most `width` characters (a longer word keeps a line to itself). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The first lines of a generated file's docstring: the graph's name, then its description. */
export function docstringOpening(graph: { name?: string; description?: string }): string[] {
  const title = oneLine(graph.name || 'CNN Studio model');
  const description = graph.description ? [...wrap(oneLine(graph.description), 88), ''] : [];
  return ['"""' + title, '', ...description];
}
