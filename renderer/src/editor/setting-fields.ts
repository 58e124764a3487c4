/**
 * The inspector's fields for each block kind, and checking what the user types: a value is stored
 * only once it parses and the core's own checks accept it; otherwise the field says why.
 */
import { BLOCKS } from '../../../main/analysis/blocks/index.ts';
import { ACTIVATIONS, blockParamSchemas } from '../../../main/graph/schema.ts';
import type { BlockType, GraphNode } from '../../../main/graph/types.ts';

export type FieldKind = 'integer' | 'number' | 'pair' | 'padding' | 'boolean' | 'choice' | 'optional-pair';

export interface SettingField {
  key: string;
  label: string;
  kind: FieldKind;
  choices?: readonly string[];
  hint?: string;
  /** What a setting left out of the file means, where the schema has no default (BatchNorm's center and scale: true). */
  missing?: unknown;
}

const slidingWindow = (extra: SettingField[] = []): SettingField[] => [
  { key: 'kernelSize', label: 'Kernel', kind: 'pair', hint: '3 or 3×5' },
  ...extra,
  { key: 'strides', label: 'Stride', kind: 'pair' },
  { key: 'padding', label: 'Padding', kind: 'padding', hint: 'valid, same, 1, 1×2 or 0,1,0,1' },
  { key: 'dilation', label: 'Dilation', kind: 'pair' },
  { key: 'useBias', label: 'Bias', kind: 'boolean' },
];

const pool: SettingField[] = [
  { key: 'poolSize', label: 'Pool size', kind: 'pair' },
  { key: 'strides', label: 'Stride', kind: 'optional-pair', hint: 'empty: the pool size' },
  { key: 'padding', label: 'Padding', kind: 'choice', choices: ['valid', 'same'] },
];

export const SETTING_FIELDS: Record<BlockType, SettingField[]> = {
  input: [
    { key: 'height', label: 'Height', kind: 'integer' },
    { key: 'width', label: 'Width', kind: 'integer' },
    { key: 'channels', label: 'Channels', kind: 'integer' },
  ],
  conv2d: [{ key: 'filters', label: 'Filters', kind: 'integer' }, ...slidingWindow()],
  depthwiseConv2d: slidingWindow([{ key: 'depthMultiplier', label: 'Depth multiplier', kind: 'integer' }]),
  batchNorm: [
    { key: 'momentum', label: 'Momentum', kind: 'number', hint: 'Keras sense: 0.9 is PyTorch 0.1' },
    { key: 'epsilon', label: 'Epsilon', kind: 'number' },
    { key: 'scale', label: 'Scale (γ)', kind: 'boolean', missing: true },
    { key: 'center', label: 'Shift (β)', kind: 'boolean', missing: true },
  ],
  activation: [
    { key: 'function', label: 'Function', kind: 'choice', choices: ACTIVATIONS },
    { key: 'alpha', label: 'Alpha (leakyRelu)', kind: 'number' },
  ],
  dropout: [{ key: 'rate', label: 'Rate', kind: 'number', hint: '0 to below 1' }],
  maxPool2d: pool,
  avgPool2d: pool,
  globalAvgPool: [{ key: 'keepDims', label: 'Keep 1×1×C', kind: 'boolean' }],
  flatten: [],
  dense: [
    { key: 'units', label: 'Units', kind: 'integer' },
    { key: 'useBias', label: 'Bias', kind: 'boolean' },
  ],
  add: [],
  concat: [],
  output: [{ key: 'activation', label: 'Activation', kind: 'choice', choices: ['softmax', 'none'] }],
};

export type FieldResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses what was typed into a field (checkboxes and choices arrive already typed). */
export function parseField(field: SettingField, text: string): FieldResult {
  const trimmed = text.trim();
  const numbers = (parts: string[]) => parts.map((part) => Number(part.trim()));
  const notNumber = { ok: false as const, message: `${field.label} must be a number` };
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const value = Number(trimmed);
      return trimmed === '' || !Number.isFinite(value) ? notNumber : { ok: true, value };
    }
    case 'optional-pair':
    case 'pair': {
      if (trimmed === '' && field.kind === 'optional-pair') return { ok: true, value: undefined };
      const parts = trimmed.split(/[×x,\s]+/i).filter(Boolean);
      const values = numbers(parts);
      if (parts.length === 0 || parts.length > 2 || values.some((v) => !Number.isFinite(v))) {
        return { ok: false, message: `${field.label} must be a number or height×width` };
      }
      return { ok: true, value: values.length === 1 ? [values[0], values[0]] : values };
    }
    case 'padding': {
      if (trimmed === 'valid' || trimmed === 'same') return { ok: true, value: trimmed };
      const values = numbers(trimmed.split(/[×x,\s]+/i).filter(Boolean));
      if (values.some((v) => !Number.isFinite(v)) || ![1, 2, 4].includes(values.length)) {
        return { ok: false, message: 'Padding must be valid, same, p, ph×pw or top,bottom,left,right' };
      }
      const [a, b, c, d] = values as number[];
      return { ok: true, value: values.length === 1 ? [a, a, a, a] : values.length === 2 ? [a, a, b, b] : [a, b, c, d] };
    }
    case 'boolean':
      return { ok: true, value: trimmed === 'true' };
    case 'choice':
      return field.choices?.includes(trimmed) ? { ok: true, value: trimmed } : { ok: false, message: `${field.label} must be one of ${field.choices?.join(', ')}` };
  }
}

/** The node's params with one setting changed, if the core accepts them; otherwise why not. */
export function changeSetting(node: GraphNode, field: SettingField, text: string): { ok: true; params: GraphNode['params'] } | { ok: false; message: string } {
  const parsed = parseField(field, text);
  if (!parsed.ok) return parsed;
  const params = { ...node.params } as Record<string, unknown>;
  if (parsed.value === undefined) delete params[field.key];
  else params[field.key] = parsed.value;
  // The file format's limits first (a kernel of 1e9 could never be saved), then the block's own rules.
  const format = blockParamSchemas[node.type].safeParse(params);
  if (!format.success) return { ok: false, message: capitalise(format.error.issues[0]!.message) };
  const problems = (BLOCKS[node.type].checkParams as (p: unknown) => string[])(params);
  if (problems.length > 0) return { ok: false, message: capitalise(problems[0]!) };
  return { ok: true, params: params as GraphNode['params'] };
}

/** How a setting reads in its field. */
export function formatField(field: SettingField, value: unknown): string {
  if (value === undefined) return '';
  if (field.kind === 'padding' && Array.isArray(value)) {
    const [t, b, l, r] = value as number[];
    return t === b && b === l && l === r ? String(t) : t === b && l === r ? `${t}×${l}` : value.join(',');
  }
  if (Array.isArray(value)) return value[0] === value[1] ? String(value[0]) : value.join('×');
  return String(value);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
