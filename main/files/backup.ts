/**
 * Where a graph file's previous version is kept (`<file>.bak`, written by every save) and how to
 * find it when the file itself no longer opens.
 */
import { stat } from 'node:fs/promises';
import type { BackupInfo } from '../api/contract.ts';

export type { BackupInfo };

export function backupPathOf(path: string): string {
  return `${path}.bak`;
}

/** The backup of `path`, or null when there is none. */
export async function findBackupFile(path: string): Promise<BackupInfo | null> {
  const backup = backupPathOf(path);
  try {
    const info = await stat(backup);
    return info.isFile() ? { path: backup, modified: info.mtime.toISOString() } : null;
  } catch {
    return null;
  }
}
