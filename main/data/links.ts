/**
 * Symbolic links in dataset folders are followed only while they stay inside the dataset folder,
 * judged on real paths (after every link on the way is resolved), so that a dataset confined to a
 * workspace cannot read outside it through a link such as `cat -> /home/someone/photos`.
 */
import { realpath } from 'node:fs/promises';
import { isInside } from '../files/is-inside.ts';

/**
 * The real path a link at `path` leads to when it stays inside `root` (a real path), or why it is
 * not followed: it leads outside, or to nothing.
 */
export async function followLink(path: string, root: string): Promise<{ target: string } | { refused: string }> {
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return { refused: 'a symbolic link whose target does not exist' };
  }
  if (!isInside(root, target)) return { refused: `a symbolic link that leads outside the dataset folder ${root} (to ${target}); it is not followed` };
  return { target };
}
