/** The datasets a run can name in its settings. */
import { StudioError } from '../errors.ts';
import type { ImageDataset } from './dataset.ts';
import { loadMnist } from './mnist.ts';

const LOADERS: Record<string, () => Promise<ImageDataset>> = {
  mnist: loadMnist,
};

export const DATASET_NAMES = Object.keys(LOADERS);

export class UnknownDatasetError extends StudioError {
  override name = 'UnknownDatasetError';
}

export function loadDataset(name: string): Promise<ImageDataset> {
  const loader = LOADERS[name.toLowerCase()];
  if (!loader) throw new UnknownDatasetError(`unknown dataset "${name}"; available: ${DATASET_NAMES.join(', ')}`);
  return loader();
}
