/**
 * A plain-data summary of a dataset for the import screen: its shape, class names, how many
 * images each class has in each split, and the first few training images of each class for a
 * preview grid (flat `height × width × channels` byte arrays).
 */
import type { ImageDataset } from './dataset.ts';

export interface DatasetSummary {
  name: string;
  shape: [number, number, number];
  classNames: string[];
  counts: { className: string; train: number; test: number }[];
  preview: { className: string; images: number[][] }[];
}

export function inspectDataset(dataset: ImageDataset, { previewPerClass = 8 }: { previewPerClass?: number } = {}): DatasetSummary {
  const [h, w, c] = dataset.shape;
  const imageSize = h * w * c;
  const classes = dataset.classNames.length;
  const train = new Array<number>(classes).fill(0);
  const test = new Array<number>(classes).fill(0);
  const images: number[][][] = dataset.classNames.map(() => []);
  for (let i = 0; i < dataset.train.count; i++) {
    const label = dataset.train.labels[i]!;
    train[label]!++;
    const shown = images[label];
    if (shown && shown.length < previewPerClass) {
      shown.push(Array.from(dataset.train.pixels.subarray(i * imageSize, (i + 1) * imageSize)));
    }
  }
  for (let i = 0; i < dataset.test.count; i++) test[dataset.test.labels[i]!]!++;
  return {
    name: dataset.name,
    shape: [h, w, c],
    classNames: [...dataset.classNames],
    counts: dataset.classNames.map((className, i) => ({ className, train: train[i]!, test: test[i]! })),
    preview: dataset.classNames.map((className, i) => ({ className, images: images[i]! })),
  };
}
