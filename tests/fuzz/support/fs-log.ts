/**
 * Every file the engine reads and every place it writes to, recorded: a stand-in for
 * `node:fs/promises` that passes each call on to the real module and notes the paths named by
 * calls that read a file's content, or create, change or remove files. A test mocks the module
 * with `recordingFs` and checks `writtenPaths` / `readPaths` afterwards.
 *
 *   vi.mock('node:fs/promises', async (real) => (await import('./support/fs-log.ts')).recordingFs(await real()));
 */
import { constants } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type FsPromises = typeof import('node:fs/promises');

export const writtenPaths: string[] = [];
export const readPaths: string[] = [];

function note(path: unknown, into: string[] = writtenPaths): void {
  if (typeof path === 'string') into.push(resolve(path));
  else if (path instanceof URL) into.push(fileURLToPath(path));
  else if (Buffer.isBuffer(path)) into.push(resolve(path.toString()));
  // A FileHandle reads and writes where it was opened, which `open` noted.
}

/** Which arguments of each call are places it changes. */
const WRITES: Partial<Record<keyof FsPromises, number[]>> = {
  writeFile: [0],
  appendFile: [0],
  mkdir: [0],
  mkdtemp: [0],
  rm: [0],
  rmdir: [0],
  unlink: [0],
  rename: [0, 1],
  copyFile: [1],
  cp: [1],
  link: [1],
  symlink: [1],
  truncate: [0],
  utimes: [0],
  chmod: [0],
  chown: [0],
  lchown: [0],
  lutimes: [0],
};

export function recordingFs(real: FsPromises): FsPromises {
  const wrapped: Record<string, unknown> = { ...real };
  for (const [name, positions] of Object.entries(WRITES)) {
    const original = real[name as keyof FsPromises] as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      for (const position of positions!) note(args[position]);
      return original(...args);
    };
  }
  wrapped.readFile = (path: unknown, ...rest: unknown[]) => {
    note(path, readPaths);
    return (real.readFile as (...args: unknown[]) => unknown)(path, ...rest);
  };
  wrapped.open = (path: unknown, flags?: unknown, ...rest: unknown[]) => {
    // Opening to read changes nothing; any other flag ("w", "a", "r+", or a number that may write) may.
    note(path, opensToRead(flags) ? readPaths : writtenPaths);
    return (real.open as (...args: unknown[]) => unknown)(path, flags, ...rest);
  };
  return { ...wrapped, default: wrapped } as unknown as FsPromises;
}

const WRITING_FLAGS = constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

function opensToRead(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & WRITING_FLAGS) === 0;
  return flags === undefined || flags === 'r';
}
