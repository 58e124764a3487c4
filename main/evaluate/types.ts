/** A trained model measured on a test split: plain data, shared with the user interface. */

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
