/**
 * The datasets a run can name in its settings:
 *
 *     mnist                                   the bundled MNIST
 *     idx:<folder>                            four IDX files (Fashion-MNIST, KMNIST, EMNIST, …)
 *     images:<folder>[?size=28x28&grayscale=1] one sub-folder of PNG/JPEG images per class
 */
import { StudioError } from '../errors.ts';
import type { ImageDataset } from './dataset.ts';
import { loadIdxFolder } from './idx-folder.ts';
import { loadImageFolder, type ImageFolderOptions, type SkippedFile } from './image-folder.ts';
import { loadMnist } from './mnist.ts';

const LOADERS: Record<string, () => Promise<ImageDataset>> = {
  mnist: loadMnist,
};

/** The built-in datasets, named as they are. */
export const DATASET_NAMES = Object.keys(LOADERS);
/** The accepted forms of a dataset name, for messages and help text. */
export const DATASET_FORMS = [...DATASET_NAMES, 'idx:<folder>', 'images:<folder>[?size=HxW&grayscale=1]'];

export class UnknownDatasetError extends StudioError {
  override name = 'UnknownDatasetError';
}

export interface OpenedDataset {
  dataset: ImageDataset;
  /** Image files that were skipped, with the reason (only for `images:` folders). */
  skipped: SkippedFile[];
}

/** Loads a dataset with the files it skipped; throws UnknownDatasetError at once for a name it does not accept. */
export function openDataset(name: string): Promise<OpenedDataset> {
  // Own keys only: "__proto__" or "constructor" would find Object's, which are no loaders.
  const key = name.toLowerCase();
  const loader = Object.hasOwn(LOADERS, key) ? LOADERS[key] : undefined;
  if (loader) return loader().then((dataset) => ({ dataset, skipped: [] }));
  const [, scheme, rest] = /^(idx|images):(.+)$/i.exec(name) ?? [];
  if (scheme?.toLowerCase() === 'idx') return loadIdxFolder(rest!).then((dataset) => ({ dataset, skipped: [] }));
  if (scheme?.toLowerCase() === 'images') {
    const { folder, options } = parseImagesName(rest!);
    return loadImageFolder(folder, options);
  }
  throw new UnknownDatasetError(`unknown dataset "${name}"; use one of: ${DATASET_FORMS.join(', ')}`);
}

export function loadDataset(name: string): Promise<ImageDataset> {
  return openDataset(name).then((opened) => opened.dataset);
}

/** `<folder>?size=28x28&grayscale=1` → the folder and its loading options. */
export function parseImagesName(text: string): { folder: string; options: ImageFolderOptions } {
  const query = text.lastIndexOf('?');
  if (query < 0) return { folder: text, options: {} };
  const folder = text.slice(0, query);
  const options: ImageFolderOptions = {};
  for (const [key, value] of new URLSearchParams(text.slice(query + 1))) {
    if (key === 'size') {
      const match = /^(\d+)x(\d+)$/i.exec(value);
      if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
        throw new UnknownDatasetError(`the size "${value}" for ${folder} should read HEIGHTxWIDTH, for example 28x28`);
      }
      options.size = [Number(match[1]), Number(match[2])];
    } else if (key === 'grayscale') {
      if (!['0', '1', 'true', 'false'].includes(value)) {
        throw new UnknownDatasetError(`grayscale for ${folder} should be 1 or 0, not "${value}"`);
      }
      options.grayscale = value === '1' || value === 'true';
    } else {
      throw new UnknownDatasetError(`unknown option "${key}" for the image folder ${folder}; use size=HxW and grayscale=1`);
    }
  }
  return { folder, options };
}
