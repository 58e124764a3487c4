/**
 * The browser mode's access token, kept between starts in the state folder (`web-token`), so that
 * a page left open can reconnect to a server that was stopped and started again: its address,
 * token included, stays valid. A random token per start would strand every open page at each
 * restart, with its run and its unsaved design.
 *
 * The file is the user's own: written 0600 in a state folder made 0700. A token file that anyone
 * else could read or that another user owns is not trusted and is replaced, as is one that does
 * not look like a token. `--new-token` replaces it on purpose (the address was shared or leaked);
 * pages holding the old one then need the new address.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../files/write-atomically.ts';

export const TOKEN_FILE = 'web-token';

/** 24 random bytes, base64url: 32 characters. */
const TOKEN_PATTERN = /^[\w-]{32,128}$/;

export interface WebToken {
  token: string;
  /** Whether it was read back from an earlier start. */
  reused: boolean;
}

export async function webToken(stateDir: string, options: { renew?: boolean } = {}): Promise<WebToken> {
  const path = join(stateDir, TOKEN_FILE);
  if (!options.renew) {
    const kept = await readKeptToken(path);
    if (kept) return { token: kept, reused: true };
  }
  const token = randomBytes(24).toString('base64url');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  // Created 0600: never readable by anyone else, not even for a moment.
  await writeAtomically(path, `${token}\n`, { mode: 0o600 });
  return { token, reused: false };
}

/** The token in the file, or null when there is none or it cannot be trusted. */
async function readKeptToken(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    if (process.platform !== 'win32') {
      if ((info.mode & 0o077) !== 0) return null;
      if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return null;
    }
    const token = (await readFile(path, 'utf8')).trim();
    return TOKEN_PATTERN.test(token) ? token : null;
  } catch {
    return null;
  }
}
