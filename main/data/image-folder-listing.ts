/**
 * Which files of an image folder belong to which class and split, before any is read. Nothing is
 * left out silently: every entry is either listed or skipped with a reason, except hidden names
 * (starting with ".", such as .DS_Store), which are ignored as every file browser does.
 *
 * Symbolic links are followed when their target stays inside the dataset folder (checked on the
 * real path, so `a -> ../../elsewhere` is caught); a link that leads outside it, or to nothing, is
 * skipped with that reason. So is anything that is not a regular file or folder (a FIFO, a socket,
 * a device), which is refused by its type before it is opened.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../errors.ts';
import { followLink } from './links.ts';
import { describeFileType } from '../files/regular-file.ts';

export class ImageFolderError extends StudioError {
  override name = 'ImageFolderError';
}

export interface SkippedFile {
  path: string;
  reason: string;
}

/** class name → its files' paths, sorted by name. */
export type ClassFiles = Map<string, string[]>;

export interface ImageFolderListing {
  /** `train/` and `test/` folders give the split; otherwise the class folders sit at the top. */
  split: boolean;
  train: ClassFiles;
  test: ClassFiles;
  skipped: SkippedFile[];
}

interface Entries {
  folders: string[];
  files: string[];
}

export async function listImageFolder(folder: string): Promise<ImageFolderListing> {
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new ImageFolderError(`cannot read the image folder ${folder}: it does not exist or is not a folder`);
  }
  const skipped: SkippedFile[] = [];
  const top = await entriesOf(folder, root, skipped);
  const split = top.folders.includes('train') && top.folders.includes('test');
  if (!split) {
    return { split, train: await classFiles(folder, top, root, skipped), test: new Map(), skipped };
  }
  for (const name of top.folders.filter((n) => n !== 'train' && n !== 'test')) {
    skipped.push({ path: join(folder, name), reason: 'a folder beside train/ and test/; only those two are read' });
  }
  for (const name of top.files) skipped.push({ path: join(folder, name), reason: 'not inside train/ or test/' });
  const [trainFolder, testFolder] = [join(folder, 'train'), join(folder, 'test')];
  const train = await classFiles(trainFolder, await entriesOf(trainFolder, root, skipped), root, skipped);
  const test = await classFiles(testFolder, await entriesOf(testFolder, root, skipped), root, skipped);
  return { split, train, test, skipped };
}

/** The class folders among `entries` of `folder`, each with its files; loose files and nested folders are skipped. */
async function classFiles(folder: string, entries: Entries, root: string, skipped: SkippedFile[]): Promise<ClassFiles> {
  for (const name of entries.files) skipped.push({ path: join(folder, name), reason: 'not in a class sub-folder' });
  const classes: ClassFiles = new Map();
  for (const name of entries.folders) {
    const classFolder = join(folder, name);
    let inside: Entries;
    try {
      inside = await entriesOf(classFolder, root, skipped);
    } catch (error) {
      // One class folder that cannot be read does not fail the dataset.
      skipped.push({ path: classFolder, reason: (error as Error).message });
      continue;
    }
    for (const nested of inside.folders) {
      skipped.push({ path: join(classFolder, nested), reason: `a folder inside the class folder ${name}; images must sit directly in it` });
    }
    classes.set(name, inside.files.map((file) => join(classFolder, file)));
  }
  return classes;
}

/** The folders and regular files in `folder`, sorted by name, links inside `root` resolved. */
async function entriesOf(folder: string, root: string, skipped: SkippedFile[]): Promise<Entries> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch {
    throw new ImageFolderError(`cannot read the folder ${folder}: it does not exist, is not a folder or may not be read`);
  }
  const entries: Entries = { folders: [], files: [] };
  for (const dirent of dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (dirent.name.startsWith('.')) continue;
    const path = join(folder, dirent.name);
    const kind = dirent.isSymbolicLink() ? await linkKind(path, root) : dirent.isDirectory() ? 'folder' : dirent.isFile() ? 'file' : undefined;
    if (kind === 'folder') entries.folders.push(dirent.name);
    else if (kind === 'file') entries.files.push(dirent.name);
    else skipped.push({ path, reason: kind?.skip ?? `it is ${describeFileType(dirent)}, not a regular file or folder` });
  }
  return entries;
}

/** What a symbolic link leads to, or why it is not followed. */
async function linkKind(path: string, root: string): Promise<'folder' | 'file' | { skip: string }> {
  const link = await followLink(path, root);
  if ('refused' in link) return { skip: link.refused };
  const stats = await stat(link.target);
  if (stats.isDirectory()) return 'folder';
  if (stats.isFile()) return 'file';
  return { skip: `a symbolic link to ${describeFileType(stats)}, not to a regular file or folder` };
}
