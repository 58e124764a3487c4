/** Range checks for block settings; each returns a message naming the setting, or nothing. */

export function wholeAtLeast(name: string, value: number, minimum: number): string | undefined {
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    return `${name} must be a whole number (got ${value})`;
  }
  if (value < minimum) return `${name} must be at least ${minimum} (got ${value})`;
  return undefined;
}

export function pairAtLeast(name: string, value: readonly number[], minimum: number): string | undefined {
  for (const item of value) {
    const problem = wholeAtLeast(name, item, minimum);
    if (problem) return problem;
  }
  return undefined;
}

export function inRange(name: string, value: number, low: number, high: number, highIncluded: boolean): string | undefined {
  const ok = Number.isFinite(value) && value >= low && (highIncluded ? value <= high : value < high);
  return ok ? undefined : `${name} must be from ${low} to ${highIncluded ? '' : 'below '}${high} (got ${value})`;
}

/** Collects the messages that are present. */
export function problems(...checks: (string | undefined)[]): string[] {
  return checks.filter((check): check is string => check !== undefined);
}
