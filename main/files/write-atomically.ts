/**
 * Writing a file so that a crash or a kill at any moment leaves either the old contents or the
 * new ones, never half of each: write a temporary file beside it, flush it to disk, then rename
 * it over the target (rename is atomic within a folder). With `keepBackup`, the version being
 * replaced is first hard-linked to `<file>.bak`, so the previous save survives a bad one.
 */
import { copyFile, link, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processExists } from '../process-exists.ts';
import { backupPathOf } from './backup.ts';

export interface WriteOptions {
  /** Keep the file being replaced as `<file>.bak`. */
  keepBackup?: boolean;
  /** Permission bits the file is created with (before the umask); 0o600 for a secret. Default 0o666. */
  mode?: number;
}

export async function writeAtomically(path: string, contents: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const temporary = siblingTemporary(path);
  // "wx": created afresh, never opened through a link or a file already there under that name.
  const handle = await open(temporary, 'wx', options.mode ?? 0o666);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    if (options.keepBackup) await keepPreviousVersion(path);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
  await removeLeftoverTemporaries(path);
}

/**
 * Links the current file to `.bak` (no copy: the old inode lives on when the rename replaces the
 * name). The link is made under a temporary name and renamed, so `.bak` itself is never missing
 * or half-written either.
 */
async function keepPreviousVersion(path: string): Promise<void> {
  const backup = backupPathOf(path);
  const temporary = siblingTemporary(backup);
  try {
    await link(path, temporary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // first save: nothing to keep
    // File systems without hard links (FAT, some network shares) get a copy instead.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    await copyFile(path, temporary);
  }
  await rename(temporary, backup);
}

function siblingTemporary(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/**
 * A kill between writing the temporary file and renaming it leaves the temporary behind. The
 * next save of the same file removes those whose writer (the pid in the name) is gone; one of a
 * live process may be another save under way.
 */
async function removeLeftoverTemporaries(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    await rm(join(dirname(path), name), { force: true });
  }
}


/** Makes the rename itself durable. Windows cannot open folders for flushing; there it is skipped. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on folders; the rename has still happened.
  } finally {
    await handle.close();
  }
}
