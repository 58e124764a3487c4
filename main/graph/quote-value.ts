/**
 * A short quotation of a value for a message: its JSON, cut to a length a line can hold. Values
 * from outside may be megabytes long, nested thousands deep, cyclic or BigInts (the last three
 * only through IPC), which JSON.stringify throws on or echoes whole; those are named by kind.
 */
export function quoteValue(value: unknown, max = 40): string {
  if (value === undefined) return 'nothing';
  let json: string | undefined;
  try {
    // Cut before quoting, so that a long string costs nothing.
    json = typeof value === 'string' ? JSON.stringify(value.slice(0, max)) : JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return json.length > max ? `${json.slice(0, max - 3)}...` : json;
}
