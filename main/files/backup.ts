/**
 * Where a graph file's previous version is kept (`<file>.bak`, written by every save) and how to
 * find it when the file itself no longer opens.
 */
import { lstat } from 'node:fs/promises';
import type { BackupInfo } from '../api/contract.ts';

export type { BackupInfo };

export function backupPathOf(path: string): string {
  return `${path}.bak`;
}

/**
 * The backup of `path`, or null when there is none. A backup is a regular file beside it (saves
 * make it by hard link or copy, never as a link): a `.bak` that is a symbolic link, which could
 * lead anywhere, or a FIFO is no backup of ours and is not offered.
 */
export async function findBackupFile(path: string): Promise<BackupInfo | null> {
  const backup = backupPathOf(path);
  try {
    const info = await lstat(backup);
    return info.isFile() ? { path: backup, modified: info.mtime.toISOString() } : null;
  } catch {
    return null;
  }
}
