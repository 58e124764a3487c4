/**
 * Typing a budget: checked on every keystroke, stored only when it is a number the file format
 * accepts (above 0, within the limits); empty means no budget. Counts take SI suffixes (10k,
 * 1.5M), sizes binary ones (512 KiB, 2 MiB; KB and MB too).
 */
import { budgetsSchema } from '../../../main/graph/schema.ts';
import type { BudgetKey } from '../../../main/analysis/budgets.ts';

export type BudgetResult = { ok: true; value: number | undefined } | { ok: false; message: string };

const COUNT_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };
const BYTE_SUFFIXES: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export const BUDGET_HINTS: Record<BudgetKey, string> = {
  params: 'e.g. 10000 or 10k',
  macs: 'e.g. 2M',
  activationBytes: 'e.g. 512 KiB',
  weightBytes: 'e.g. 64 KiB',
};

/** Parses what was typed into the budget field of `key`. */
export function parseBudget(key: BudgetKey, text: string): BudgetResult {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return { ok: true, value: undefined };
  const bytes = key === 'activationBytes' || key === 'weightBytes';
  const match = /^([-+−]?\d*\.?\d+(?:e[-+]?\d+)?)\s*([a-z]*)$/i.exec(trimmed.replace('−', '-'));
  const suffixes = bytes ? BYTE_SUFFIXES : COUNT_SUFFIXES;
  const scale = match ? suffixes[match[2]!.toLowerCase()] : undefined;
  if (!match || scale === undefined) {
    return { ok: false, message: bytes ? 'a size is a number with an optional unit: 512 KiB, 2 MiB, 300 KB' : 'a budget is a number, optionally with k, M or G: 10000, 10k, 1.5M' };
  }
  // A size in a binary unit need not come out whole (1.1 KiB); bytes are counted whole.
  const value = bytes ? Math.round(Number(match[1]) * scale) : Number(match[1]) * scale;
  const checked = budgetsSchema.shape[key].safeParse(value);
  if (!checked.success) return { ok: false, message: checked.error.issues[0]!.message };
  if (!Number.isInteger(value)) return { ok: false, message: `a count is a whole number (got ${value})` };
  return { ok: true, value };
}
