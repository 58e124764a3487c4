/**
 * Finds the four IDX files of a dataset in a folder by their usual names: MNIST-style
 * `train-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, and EMNIST-style
 * `emnist-letters-train-images-idx3-ubyte`. A name matches on its split (`train`, or `t10k`/`test`)
 * and its kind (`images`, `labels`), together with `idx` or `ubyte`. A folder that holds the files
 * of several datasets (EMNIST's download has all six splits side by side) is refused rather than
 * one of them picked; EMNIST files are loaded the way EMNIST lays them out (emnist.ts).
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { describeFileType } from '../files/regular-file.ts';
import type { ImageDataset } from './dataset.ts';
import { emnistLayout } from './emnist.ts';
import { loadIdxDataset, type IdxFiles } from './idx-dataset.ts';
import { followLink } from './links.ts';

export class IdxFolderError extends StudioError {
  override name = 'IdxFolderError';
}

const SPLIT = { train: /(^|[-_.])train([-_.]|$)/, test: /(^|[-_.])(t10k|test)([-_.]|$)/ };
const KIND = { images: /(^|[-_.])images([-_.]|$)/, labels: /(^|[-_.])labels([-_.]|$)/ };

const WANTED: { key: keyof IdxFiles; split: RegExp; kind: RegExp; label: string }[] = [
  { key: 'trainImages', split: SPLIT.train, kind: KIND.images, label: 'train-images-idx3-ubyte' },
  { key: 'trainLabels', split: SPLIT.train, kind: KIND.labels, label: 'train-labels-idx1-ubyte' },
  { key: 'testImages', split: SPLIT.test, kind: KIND.images, label: 't10k-images-idx3-ubyte' },
  { key: 'testLabels', split: SPLIT.test, kind: KIND.labels, label: 't10k-labels-idx1-ubyte' },
];

/**
 * The name of the dataset a file belongs to: its name without split, kind, IDX rank and `.gz`,
 * so that `emnist-letters-train-images-idx3-ubyte.gz` and `emnist-letters-test-labels-idx1-ubyte`
 * both give `emnist-letters-*-*-idx*-ubyte`, and MNIST's four give `*-*-idx*-ubyte`.
 */
function datasetOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.gz$/, '')
    .replace(/(^|[-_.])(train|t10k|test)(?=[-_.]|$)/, '$1*')
    .replace(/(^|[-_.])(images|labels)(?=[-_.]|$)/, '$1*')
    .replace(/idx\d/, 'idx*');
}

/** Paths of the four IDX files in `folder`; throws an IdxFolderError naming the missing ones. */
export async function findIdxFiles(folder: string): Promise<IdxFiles> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    throw new IdxFolderError(`cannot read the IDX folder ${folder}: it does not exist or is not a folder`);
  }
  // Only regular files (or links, checked below) are read: a FIFO would block the read for ever.
  // Entries named like IDX files that are neither are named in the refusal.
  const candidates = entries
    .filter((e) => !e.isDirectory() && /idx|ubyte/i.test(e.name) && WANTED.some((w) => w.split.test(e.name.toLowerCase()) && w.kind.test(e.name.toLowerCase())))
    .sort((a, b) => a.name.localeCompare(b.name));
  const datasets = [...new Set(candidates.map((e) => datasetOf(e.name)))];
  if (datasets.length > 1) {
    throw new IdxFolderError(`the IDX folder ${folder} holds the files of ${datasets.length} datasets (${datasets.join(', ')}); put each in a folder of its own and name that one`);
  }
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  const unusable = new Set<string>();
  for (const want of WANTED) {
    const matches = candidates.filter((e) => want.split.test(e.name.toLowerCase()) && want.kind.test(e.name.toLowerCase()));
    const files = matches.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
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
  await refuseLinksOutside(folder, Object.values(found));
  return found as IdxFiles;
}

/** Links among `paths` are followed only when they lead to a file inside `folder` (links.ts). */
async function refuseLinksOutside(folder: string, paths: string[]): Promise<void> {
  const root = await realpath(folder);
  for (const path of paths) {
    const link = await followLink(path, root);
    if ('refused' in link) throw new IdxFolderError(`${path} is ${link.refused}`);
  }
}

/**
 * Loads the IDX dataset in `folder`, named after the folder. Class names are the label numbers,
 * or for EMNIST (recognised by its file names) the characters of its split, with its images
 * transposed back and its letters' labels 1–26 shifted to 0–25.
 */
export async function loadIdxFolder(folder: string, name = basename(folder)): Promise<ImageDataset> {
  const files = await findIdxFiles(folder);
  const emnist = emnistLayout(basename(files.trainImages));
  if (!emnist) return loadIdxDataset(files, { name });
  return loadIdxDataset(files, { name, transposed: true, firstLabel: emnist.firstLabel, ...(emnist.classNames ? { classNames: emnist.classNames } : {}) });
}
