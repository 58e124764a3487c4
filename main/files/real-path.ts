/**
 * Where a path really leads, symbolic links followed, for confinement checks: a folder link
 * inside the workspace that points elsewhere must not let a save, an export or a read through it
 * leave the workspace. A path that does not exist yet (a file about to be saved) is taken as the
 * real path of its deepest existing ancestor with the rest of the path appended: that is where
 * the file system will create it.
 */
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StudioError } from '../errors.ts';

/** A path that cannot be followed: a link to nothing (`dangling`), or links in a loop. */
export class UnresolvablePathError extends StudioError {
  override name = 'UnresolvablePathError';
  constructor(
    message: string,
    readonly reason: 'dangling' | 'loop',
  ) {
    super(message);
  }
}

/**
 * The real path of `path` (made absolute first): `realpath` of it or of its deepest existing
 * ancestor, plus the part that does not exist yet. Throws UnresolvablePathError when a part of
 * the path is a symbolic link to nothing (following it would create its target, wherever that is)
 * or links loop; other file-system errors (EACCES) are thrown as they are.
 */
export async function realPathOf(path: string): Promise<string> {
  let existing = resolve(path);
  const missing: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new UnresolvablePathError(`${path} leads through symbolic links that loop`, 'loop');
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    // realpath failed, yet the entry itself may exist: then it is a link whose target does not.
    if ((await lstat(existing).catch(() => null))?.isSymbolicLink()) {
      throw new UnresolvablePathError(`${path} leads through ${existing}, a symbolic link to something that does not exist`, 'dangling');
    }
    const parent = dirname(existing);
    if (parent === existing) return join(existing, ...missing);
    missing.unshift(basename(existing));
    existing = parent;
  }
}
