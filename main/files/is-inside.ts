import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Whether `path` is `folder` or lies below it, by name only (see real-path.ts for links); a
 * relative `path` is taken from `folder`. A file named "..notes.json" in it does lie inside.
 */
export function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, resolve(folder, path));
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
