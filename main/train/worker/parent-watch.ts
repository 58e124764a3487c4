/**
 * Noticing that the process which started us has died, where no IPC event says so: Electron's
 * utilityProcess has no 'disconnect'. On Linux and macOS an orphan is handed to another parent
 * (init or a subreaper), so its parent pid changes; that is checked once a second. (Windows does
 * not re-parent, but Chromium's job object ends the utility process with the app there.)
 */
export const PARENT_CHECK_MS = 1000;

export function watchParent(onOrphaned: () => void, parentPid: () => number = () => process.ppid, intervalMs = PARENT_CHECK_MS): () => void {
  const original = parentPid();
  const timer = setInterval(() => {
    if (parentPid() === original) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  // The watch alone must not keep the process alive once the training is over.
  timer.unref();
  return () => clearInterval(timer);
}
