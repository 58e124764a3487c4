/**
 * Length limits for zod schemas that look at strings and lists only. Zod runs a length check on
 * any value that has a `length`, even one that has already failed the type check; when that
 * `length` is an object without a usable toString — `{"length": {"toString": 0}}`, plain JSON —
 * comparing it with the limit throws a TypeError out of `safeParse`. Found by fuzzing: one such
 * WebSocket message took the browser-mode server down. Every `.min()` / `.max()` on data from
 * outside wraps its parameters in one of these.
 */
import type { z } from 'zod';

type When = (payload: z.core.ParsePayload) => boolean;

const isString: When = (payload) => typeof payload.value === 'string';
const isArray: When = (payload) => Array.isArray(payload.value);

/**
 * Zod honours `when` on every check (its default for length checks is "has a length"), but leaves
 * it out of the parameter types of `.min()` and `.max()`; hence the cast.
 */
function withWhen<T extends object>(params: T, when: When): T {
  return { ...params, when } as T;
}

/** Parameters for `.min()` / `.max()` on a z.string(): `z.string().max(64, onStrings())`. */
export function onStrings<T extends object = object>(params: T = {} as T): T {
  return withWhen(params, isString);
}

/** Parameters for `.min()` / `.max()` on a z.array(). */
export function onArrays<T extends object = object>(params: T = {} as T): T {
  return withWhen(params, isArray);
}
