/**
 * The grammar of dataset names, parsed in this one place by every caller (the studio's service,
 * the CLI's `train` and `dataset`, the training process, evaluation):
 *
 *     mnist                                       a built-in dataset (any letter case)
 *     idx:<folder>                                four IDX files
 *     images:<folder>[?size=HxW&grayscale=1]      one sub-folder of PNG/JPEG images per class
 *
 * Two parsers used to disagree here (one split `images:` names at the first "?", the other at the
 * last, and `idx:` names were never split), so a folder named "q?" let a name pass the workspace
 * check as one folder and be opened as another. Now a name has one reading or none: the first
 * "?" starts the options, a folder may not contain "?" at all (nor a zero character), and the
 * options are exactly `size` and `grayscale`, each at most once. Anything else is refused with a
 * message that says why.
 *
 * Pure: no file system. Where a folder is resolved, confined and opened is the caller's business
 * (main/api/dataset-access.ts for the studio), always on the folder this returns.
 */
import { StudioError } from '../errors.ts';

/** A dataset name that cannot be read, or names no dataset. */
export class UnknownDatasetError extends StudioError {
  override name = 'UnknownDatasetError';
}

/** The datasets that ship with the studio, by their name in lower case. */
export const BUILT_IN_DATASETS = ['mnist'] as const;
export type BuiltInDataset = (typeof BUILT_IN_DATASETS)[number];

/** How an `images:` folder is loaded. */
export interface ImageNameOptions {
  /** [height, width] of the dataset's images; default: the first image's size. */
  size?: [number, number];
  /** Average the colour channels into one. */
  grayscale?: boolean;
}

export type DatasetName =
  | { kind: 'built-in'; name: BuiltInDataset }
  | { kind: 'idx'; folder: string }
  | { kind: 'images'; folder: string; options: ImageNameOptions };

/** The accepted forms of a dataset name, for messages and help text. */
export const DATASET_FORMS = [...BUILT_IN_DATASETS, 'idx:<folder>', 'images:<folder>[?size=HxW&grayscale=1]'];

const SCHEME = /^(idx|images):/i;

/** Reads a dataset name; throws UnknownDatasetError, in one line, for a name with no single reading. */
export function parseDatasetName(name: string): DatasetName {
  const builtIn = BUILT_IN_DATASETS.find((known) => known === name.toLowerCase());
  if (builtIn) return { kind: 'built-in', name: builtIn };
  const scheme = SCHEME.exec(name)?.[1]?.toLowerCase();
  if (!scheme) throw new UnknownDatasetError(`unknown dataset ${quote(name)}; use one of: ${DATASET_FORMS.join(', ')}`);
  const rest = name.slice(scheme.length + 1);
  if (scheme === 'idx') {
    // idx: takes no options, so a "?" can only be part of the folder, which is refused.
    checkFolder(rest, scheme, name);
    return { kind: 'idx', folder: rest };
  }
  const query = rest.indexOf('?');
  const folder = query < 0 ? rest : rest.slice(0, query);
  checkFolder(folder, scheme, name);
  return { kind: 'images', folder, options: query < 0 ? {} : parseImageOptions(rest.slice(query + 1), folder) };
}

/** The name that reads back as `dataset`; throws when its folder holds a "?", which no name can carry. */
export function formatDatasetName(dataset: DatasetName): string {
  if (dataset.kind === 'built-in') return dataset.name;
  checkFolder(dataset.folder, dataset.kind, dataset.folder);
  if (dataset.kind === 'idx') return `idx:${dataset.folder}`;
  const options = [
    ...(dataset.options.size ? [`size=${dataset.options.size[0]}x${dataset.options.size[1]}`] : []),
    ...(dataset.options.grayscale === undefined ? [] : [`grayscale=${dataset.options.grayscale ? 1 : 0}`]),
  ];
  return `images:${dataset.folder}${options.length > 0 ? `?${options.join('&')}` : ''}`;
}

/**
 * A dataset name as the status line says it while the data loads: `MNIST`, `the IDX files in
 * <folder>`, `the images in <folder>` (options left out). A name with no single reading is shown
 * as written; loading it then says what is wrong with it.
 */
export function describeDatasetName(name: string): string {
  let dataset: DatasetName;
  try {
    dataset = parseDatasetName(name);
  } catch {
    return name;
  }
  if (dataset.kind === 'built-in') return dataset.name.toUpperCase();
  return dataset.kind === 'idx' ? `the IDX files in ${dataset.folder}` : `the images in ${dataset.folder}`;
}

function checkFolder(folder: string, scheme: string, name: string): void {
  if (folder === '') throw new UnknownDatasetError(`${quote(name)} names no folder; write ${scheme}:<folder>`);
  if (folder.includes('\0')) throw new UnknownDatasetError(`the folder in ${quote(name)} contains a zero character`);
  if (folder.includes('?')) {
    throw new UnknownDatasetError(`the folder in ${quote(name)} contains "?", which starts a dataset name's options; a folder whose name holds "?" cannot be named here, rename it`);
  }
}

/** `size=28x28&grayscale=1`: each option once, nothing else. */
function parseImageOptions(query: string, folder: string): ImageNameOptions {
  if (query === '') throw new UnknownDatasetError(`nothing follows the "?" after ${folder}; write size=HxW and/or grayscale=1, or leave out the "?"`);
  if (query.includes('?')) {
    throw new UnknownDatasetError(`the options for ${folder} contain a second "?"; a dataset name has one "?", before its options, and a folder name may not contain one`);
  }
  if (/[/\\]/.test(query)) {
    throw new UnknownDatasetError(`what follows the "?" after ${folder} is a path, not options; a dataset name's "?" starts its options, so a folder name may not contain one`);
  }
  const options: ImageNameOptions = {};
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? '' : pair.slice(equals + 1);
    if (key !== 'size' && key !== 'grayscale') {
      throw new UnknownDatasetError(`unknown option ${quote(key)} for the image folder ${folder}; use size=HxW and grayscale=1`);
    }
    if (seen.has(key)) throw new UnknownDatasetError(`the option ${key} is given twice for the image folder ${folder}`);
    seen.add(key);
    if (key === 'size') {
      const match = /^(\d{1,6})x(\d{1,6})$/i.exec(value);
      if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
        throw new UnknownDatasetError(`the size ${quote(value)} for ${folder} should read HEIGHTxWIDTH, for example 28x28`);
      }
      options.size = [Number(match[1]), Number(match[2])];
    } else {
      if (!['0', '1', 'true', 'false'].includes(value)) throw new UnknownDatasetError(`grayscale for ${folder} should be 1 or 0, not ${quote(value)}`);
      options.grayscale = value === '1' || value === 'true';
    }
  }
  return options;
}

/** A name or value from the user, quoted and cut short for a one-line message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 197)}...` : text);
}
