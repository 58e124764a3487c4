/**
 * Which paths a request from the user interface may read or write. A path arrives from the page
 * as a string, so a compromised or buggy page must not be able to name any file it likes:
 *
 * - browser mode: inside the workspace, always;
 * - desktop: inside the workspace, or a file the user picked in the host's own dialog this
 *   session, or one of their recent files (opened or saved through such a dialog before).
 *
 * "Inside" is decided on real paths, symbolic links followed (files/real-path.ts): a folder link
 * in the workspace that points elsewhere leads outside it, for reads and writes alike. The path
 * returned is that real path, so what is opened is what was checked. A file to write is checked
 * as it will be written, after its extension is added.
 *
 * The paths inside documents (a graph's name, a dataset folder, a recovery draft's file) never
 * widen this: only the dialog does.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { stat } from 'node:fs/promises';
import { StudioError } from '../errors.ts';
import { isInside } from '../files/is-inside.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { describeFileType } from '../files/regular-file.ts';
import { realPathOf } from '../files/real-path.ts';

export interface PathPolicy {
  /** The real path for `path`, to read; or a StudioError saying why the page may not use it. */
  check(path: string): Promise<string>;
  /**
   * The real path of the file to write for `path`: with `extension` added when it lacks it (a
   * dialog may return the name without). Refused like `check`, and also when it names the
   * workspace folder itself or something that is not a regular file (a folder, a FIFO).
   */
  target(path: string, extension: string): Promise<string>;
  /** A path the user chose in the host's dialog. */
  grant(path: string): void;
}

export function pathPolicy(kind: 'desktop' | 'browser', workspace: string, recentFiles: () => Promise<string[]>): PathPolicy {
  const granted = new Set<string>();

  /** `real` is the real path of `full`; `chosen` are the forms the user may have picked it as. */
  const allow = async (path: string, full: string, real: string, chosen: string[]): Promise<string> => {
    if (isInside(await realPathFor(workspace, workspace), real)) return real;
    const through = isInside(workspace, full) ? ' (through a symbolic link)' : '';
    if (kind === 'browser') throw new StudioError(`"${shown(path)}" is outside the workspace ${workspace}${through}`);
    // A dialog's answer this session counts as the user chose it, links and all; a recent file
    // only as the real file it was (recent paths are stored real), not whatever its name leads
    // to now.
    if ([...chosen, real].some((candidate) => granted.has(candidate)) || (await recentFiles()).includes(real)) return real;
    throw new StudioError(`"${shown(path)}" is outside the workspace ${workspace}${through} and was not chosen in a file dialog; use Open… or Save as… to pick it`);
  };

  return {
    async check(path) {
      const full = absolute(workspace, path);
      return allow(path, full, await realPathFor(path, full), [full]);
    },

    async target(path, extension) {
      const full = absolute(workspace, path);
      // The workspace itself passes a check but names no file: with the extension added it would
      // land beside the workspace, outside it (found by fuzzing).
      if (full === resolve(workspace) || full === (await realPathFor(workspace, workspace))) {
        throw new StudioError(`"${shown(path)}" is the workspace folder itself; name a file in it`);
      }
      const written = full.endsWith(extension) ? full : `${full}${extension}`;
      const real = await allow(path, written, await realPathFor(path, written), [full, written]);
      const existing = await stat(real).catch(() => null);
      if (existing && !existing.isFile()) throw new StudioError(`"${shown(path)}" names ${describeFileType(existing)}, not a file that can be written; choose another name`);
      return real;
    },

    grant(path) {
      granted.add(resolve(workspace, path));
    },
  };
}

/** `path` made absolute against the workspace; a zero character, which no file name has, is refused. */
function absolute(workspace: string, path: string): string {
  if (path.includes('\0')) throw new StudioError(`"${shown(path)}" contains a zero character, which no file name can`);
  return resolve(workspace, path);
}

/** realPathOf, with a file-system error (permission denied) as a message naming the path. */
async function realPathFor(path: string, full: string): Promise<string> {
  try {
    return await realPathOf(full);
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw new StudioError(`cannot follow "${shown(path)}": ${describeFsError(error)}`);
  }
}

/** A path from the page, cut short for a one-line message. */
function shown(path: string): string {
  const printable = path.replace(/[\0-\x1f]/g, '?');
  return printable.length > 300 ? `${printable.slice(0, 297)}...` : printable;
}

export { isInside };

/** Whether `path`, its links followed, lies in `folder`, its links followed; for paths that must not leave a folder. */
export async function isReallyInside(folder: string, path: string): Promise<boolean> {
  return isInside(await realPathFor(folder, folder), await realPathFor(path, path));
}
