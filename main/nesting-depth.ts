/**
 * How deeply a value from outside nests. JSON.parse and structured clone build values nested
 * hundreds of thousands deep without complaint; any recursive walk over one then dies with
 * "Maximum call stack size exceeded" (a Keras file nested 100,000 deep did, in the importer).
 * So every value from outside is measured here, without recursion, before anything recursive
 * sees it, and refused above a depth no real document reaches.
 */

/**
 * The deepest nesting a document from outside may have. The deepest real file we know, a Keras 3
 * functional ResNet (`tests/fixtures/keras/keras3-functional-resnet.json`), nests 11 deep.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * The nesting depth of `value` (a string or number: 0; `[]` or `{}`: 1; `[[1]]`: 2), counted
 * without recursion; stops counting once it passes `limit`, so the answer is then `limit + 1`.
 * Cycles (possible through IPC, never in JSON) count as too deep; an object shared by many
 * parents (also IPC only) is walked again only when reached deeper than before, so a value of
 * shared references cannot make the count take exponential time.
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): number {
  let deepest = 0;
  const reachedAt = new Map<object, number>();
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > limit) return limit + 1;
    if ((reachedAt.get(item) ?? 0) >= here) continue;
    reachedAt.set(item, here);
    if (here > deepest) deepest = here;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}

/** A one-line problem when `value` nests deeper than `limit`, naming `what` it is; undefined otherwise. */
export function nestingProblem(value: unknown, what: string, limit = MAX_NESTING_DEPTH): string | undefined {
  return nestingDepth(value, limit) > limit ? `${what} nests more than ${limit} levels deep, deeper than any real document` : undefined;
}
