/**
 * Finds the four IDX files of a dataset in a folder by their usual names: MNIST-style
 * `train-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, and EMNIST-style
 * `emnist-letters-train-images-idx3-ubyte`. A name matches on its split (`train`, or `t10k`/`test`)
 * and its kind (`images`, `labels`), together with `idx` or `ubyte`. A folder that holds the files
 * of several datasets (EMNIST's download has all six splits side by side) is refused rather than
 * one of them picked; EMNIST files are loaded the way EMNIST lays them out (emnist.ts).
 */
import { readdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
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
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name).sort();
  } catch {
    throw new IdxFolderError(`cannot read the IDX folder ${folder}: it does not exist or is not a folder`);
  }
  const candidates = names.filter((n) => /idx|ubyte/i.test(n) && WANTED.some((w) => w.split.test(n.toLowerCase()) && w.kind.test(n.toLowerCase())));
  const datasets = [...new Set(candidates.map(datasetOf))];
  if (datasets.length > 1) {
    throw new IdxFolderError(`the IDX folder ${folder} holds the files of ${datasets.length} datasets (${datasets.join(', ')}); put each in a folder of its own and name that one`);
  }
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
