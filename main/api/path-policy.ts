/**
 * Which paths a request from the user interface may read or write. A path arrives from the page
 * as a string, so a compromised or buggy page must not be able to name any file it likes:
 *
 * - browser mode: inside the workspace, always;
 * - desktop: inside the workspace, or a file the user picked in the host's own dialog this
 *   session, or one of their recent files (opened or saved through such a dialog before).
 *
 * The paths inside documents (a graph's name, a dataset folder, a recovery draft's file) never
 * widen this: only the dialog does.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { StudioError } from '../errors.ts';

export interface PathPolicy {
  /** The full path for `path`, or a StudioError saying why the page may not use it. */
  check(path: string): Promise<string>;
  /** A path the user chose in the host's dialog. */
  grant(path: string): void;
}

export function pathPolicy(kind: 'desktop' | 'browser', workspace: string, recentFiles: () => Promise<string[]>): PathPolicy {
  const granted = new Set<string>();
  const insideWorkspace = (full: string) => isInside(workspace, full);

  return {
    async check(path) {
      const full = resolve(workspace, path);
      if (insideWorkspace(full)) return full;
      if (kind === 'browser') throw new StudioError(`"${path}" is outside the workspace ${workspace}`);
      if (granted.has(full) || (await recentFiles()).includes(full)) return full;
      throw new StudioError(`"${path}" is outside the workspace ${workspace} and was not chosen in a file dialog; use Open… or Save as… to pick it`);
    },
    grant(path) {
      granted.add(resolve(workspace, path));
    },
  };
}

/** Whether `path` is `folder` or lies below it. A file named "..notes.json" in it does. */
export function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, resolve(folder, path));
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
