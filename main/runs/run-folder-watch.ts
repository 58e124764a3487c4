/**
 * Noticing that a run's folder was deleted while the run trains (by hand, or by another program):
 * the run must stop and say so, not train on until its next write fails, and never write a half
 * folder back (model-files.ts makes no parent folders). Checked once a second; `stat` of one
 * folder costs microseconds.
 */
import { stat } from 'node:fs/promises';

export const RUN_FOLDER_CHECK_MS = 1000;

/** The one-line message of a run whose folder vanished. */
export function runFolderGoneMessage(dir: string): string {
  return `the run folder ${dir} was deleted while the run trained; training stopped`;
}

/** Calls `onGone` once, when `dir` no longer exists; `stop` ends the watch. */
export function watchRunFolder(dir: string, onGone: () => void, intervalMs = RUN_FOLDER_CHECK_MS): { stop(): void } {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void folderExists(dir)
      .then((exists) => {
        if (exists) return;
        clearInterval(timer);
        onGone();
      })
      .finally(() => (checking = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** False only when the folder is gone (ENOENT, or something else now has its name); other errors say nothing. */
export async function folderExists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}
