/**
 * Opening the datasets a run can name in its settings (the names are read by dataset-name.ts):
 *
 *     mnist                                   the bundled MNIST
 *     idx:<folder>                            four IDX files (Fashion-MNIST, KMNIST, EMNIST, …)
 *     images:<folder>[?size=28x28&grayscale=1] one sub-folder of PNG/JPEG images per class
 */
import type { ImageDataset } from './dataset.ts';
import { parseDatasetName, type BuiltInDataset, type DatasetName } from './dataset-name.ts';
import { loadIdxFolder } from './idx-folder.ts';
import { loadImageFolder, type SkippedFile } from './image-folder.ts';
import { loadMnist } from './mnist.ts';

export { DATASET_FORMS, UnknownDatasetError } from './dataset-name.ts';

const LOADERS: Record<BuiltInDataset, () => Promise<ImageDataset>> = {
  mnist: loadMnist,
};

export interface OpenedDataset {
  dataset: ImageDataset;
  /** Image files that were skipped, with the reason (only for `images:` folders). */
  skipped: SkippedFile[];
}

/**
 * Loads a dataset, by name or already parsed, with the files it skipped. A name with no single
 * reading throws UnknownDatasetError at once, before anything is opened.
 */
export function openDataset(name: string | DatasetName): Promise<OpenedDataset> {
  const dataset = typeof name === 'string' ? parseDatasetName(name) : name;
  switch (dataset.kind) {
    case 'built-in':
      return LOADERS[dataset.name]().then((loaded) => ({ dataset: loaded, skipped: [] }));
    case 'idx':
      return loadIdxFolder(dataset.folder).then((loaded) => ({ dataset: loaded, skipped: [] }));
    case 'images':
      return loadImageFolder(dataset.folder, dataset.options);
  }
}

export function loadDataset(name: string | DatasetName): Promise<ImageDataset> {
  return openDataset(name).then((opened) => opened.dataset);
}
