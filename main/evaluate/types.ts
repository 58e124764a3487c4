/** A trained model measured on a test split: plain data, shared with the user interface. */
import type { GraphDocument } from '../graph/types.ts';

export interface Misclassified {
  /** Index in the test split. */
  index: number;
  label: number;
  predicted: number;
  /** Probability the model gave its (wrong) prediction. */
  confidence: number;
  /** The image, height × width × channels bytes, 0–255. */
  pixels: number[];
}

export interface Evaluation {
  dataset: string;
  classNames: string[];
  imageShape: [number, number, number];
  images: number;
  accuracy: number;
  loss: number;
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  /** Accuracy per true class. */
  perClass: { className: string; images: number; accuracy: number }[];
  /** The most confident mistakes first. */
  misclassified: Misclassified[];
}

/** One convolution's output for one image, with the receptive field of its units. */
export interface FeatureMapLayer {
  nodeId: string;
  /** [height, width, channels]. */
  shape: [number, number, number];
  /** Channels-last values, `height × width × channels`. */
  values: number[];
  /** Where unit (y, x) looks: rows start[0] + y·jump[0] … + size[0] − 1, columns likewise. */
  receptiveField: { size: [number, number]; jump: [number, number]; start: [number, number] };
}

export interface FeatureMaps {
  index: number;
  label: number;
  predicted: number;
  imageShape: [number, number, number];
  /** The input image, bytes 0–255. */
  pixels: number[];
  layers: FeatureMapLayer[];
  /** The run's graph, for the exact pixels a chosen unit sees (analysis/coverage.ts). */
  graph: GraphDocument;
}
