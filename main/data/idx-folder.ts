/**
 * Finds the four IDX files of a dataset in a folder by their usual names: MNIST-style
 * `train-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, and EMNIST-style
 * `emnist-letters-train-images-idx3-ubyte`. A name matches on its split (`train`, or `t10k`/`test`)
 * and its kind (`images`, `labels`), together with `idx` or `ubyte`.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { describeFileType } from '../files/regular-file.ts';
import type { ImageDataset } from './dataset.ts';
import { loadIdxDataset, type IdxFiles } from './idx-dataset.ts';

export class IdxFolderError extends StudioError {
  override name = 'IdxFolderError';
}

const WANTED: { key: keyof IdxFiles; split: RegExp; kind: RegExp; label: string }[] = [
  { key: 'trainImages', split: /(^|[-_.])train([-_.]|$)/, kind: /(^|[-_.])images([-_.]|$)/, label: 'train-images-idx3-ubyte' },
  { key: 'trainLabels', split: /(^|[-_.])train([-_.]|$)/, kind: /(^|[-_.])labels([-_.]|$)/, label: 'train-labels-idx1-ubyte' },
  { key: 'testImages', split: /(^|[-_.])(t10k|test)([-_.]|$)/, kind: /(^|[-_.])images([-_.]|$)/, label: 't10k-images-idx3-ubyte' },
  { key: 'testLabels', split: /(^|[-_.])(t10k|test)([-_.]|$)/, kind: /(^|[-_.])labels([-_.]|$)/, label: 't10k-labels-idx1-ubyte' },
];

/** Paths of the four IDX files in `folder`; throws an IdxFolderError naming the missing ones. */
export async function findIdxFiles(folder: string): Promise<IdxFiles> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    throw new IdxFolderError(`cannot read the IDX folder ${folder}: it does not exist or is not a folder`);
  }
  // Only regular files are read: a FIFO would block the read for ever, and a symbolic link could
  // lead out of the folder the studio checked. Those named like IDX files are named in the refusal.
  const candidates = entries.filter((e) => /idx|ubyte/i.test(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  const unusable = new Set<string>();
  for (const want of WANTED) {
    const matches = candidates.filter((e) => want.split.test(e.name.toLowerCase()) && want.kind.test(e.name.toLowerCase()));
    const files = matches.filter((e) => e.isFile()).map((e) => e.name);
    // Prefer the plain file when both it and its .gz are present.
    const pick = files.find((n) => !n.endsWith('.gz')) ?? files[0];
    if (pick) found[want.key] = join(folder, pick);
    else missing.push(`${want.label}[.gz]`);
    if (!pick) for (const entry of matches) unusable.add(`${entry.name} is ${describeFileType(entry)}, not a regular file`);
  }
  if (missing.length > 0) {
    const why = unusable.size > 0 ? `; ${[...unusable].join('; ')}` : '';
    throw new IdxFolderError(`the IDX folder ${folder} lacks ${missing.join(', ')} (${4 - missing.length} of the 4 IDX files found)${why}`);
  }
  return found as IdxFiles;
}

/** Loads the IDX dataset in `folder`, named after the folder; class names are the label numbers. */
export async function loadIdxFolder(folder: string, name = basename(folder)): Promise<ImageDataset> {
  return loadIdxDataset(await findIdxFiles(folder), { name });
}
