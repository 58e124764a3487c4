/**
 * How much to fuzz and from which seed. Fixed by default, so that CI sees the same inputs on every
 * run; the environment changes it for a longer or a different hunt:
 *
 *   FUZZ_SEED=123 npx vitest run tests/fuzz    another seed (fast-check prints the one that failed)
 *   FUZZ_RUNS=10  npx vitest run tests/fuzz    ten times as many inputs per target (0.1: a tenth)
 *   FUZZ_PATH=4:1:0                            with the failing seed, replays fast-check's shrunk case
 */
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20_261_129;

export const FUZZ_SEED = readNumber('FUZZ_SEED') ?? DEFAULT_SEED;
const SCALE = readNumber('FUZZ_RUNS') ?? 1;

/** A target's number of inputs, scaled by FUZZ_RUNS; at least one. */
export function runs(count: number): number {
  return Math.max(1, Math.round(count * SCALE));
}

/** fast-check's settings for a property that takes `count` inputs by default. */
export function fuzzOptions<T>(count: number): Parameters<T> {
  const path = process.env.FUZZ_PATH;
  return { seed: FUZZ_SEED, numRuns: runs(count), ...(path ? { path } : {}) };
}

function readNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number (got "${text}")`);
  return value;
}
