/**
 * Finds the four IDX files of a dataset in a folder by their usual names: MNIST-style
 * `train-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, and EMNIST-style
 * `emnist-letters-train-images-idx3-ubyte`. A name matches on its split (`train`, or `t10k`/`test`)
 * and its kind (`images`, `labels`), together with `idx` or `ubyte`.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
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
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch {
    throw new IdxFolderError(`cannot read the IDX folder ${folder}: it does not exist or is not a folder`);
  }
  const candidates = names.filter((n) => /idx|ubyte/i.test(n));
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  for (const want of WANTED) {
    const matches = candidates.filter((n) => want.split.test(n.toLowerCase()) && want.kind.test(n.toLowerCase()));
    // Prefer the plain file when both it and its .gz are present.
    const pick = matches.find((n) => !n.endsWith('.gz')) ?? matches[0];
    if (pick) found[want.key] = join(folder, pick);
    else missing.push(`${want.label}[.gz]`);
  }
  if (missing.length > 0) {
    throw new IdxFolderError(`the IDX folder ${folder} lacks ${missing.join(', ')} (${4 - missing.length} of the 4 IDX files found)`);
  }
  return found as IdxFiles;
}

/** Loads the IDX dataset in `folder`, named after the folder; class names are the label numbers. */
export async function loadIdxFolder(folder: string, name = basename(folder)): Promise<ImageDataset> {
  return loadIdxDataset(await findIdxFiles(folder), { name });
}
