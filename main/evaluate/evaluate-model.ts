/**
 * Runs a trained model over a dataset split and reports what the evaluation views show: accuracy,
 * loss, the confusion matrix, per-class accuracy and the most confident mistakes. The trainer uses
 * it too, for the test split after every epoch.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { batchRanges, fillTestBatch } from '../data/batches.ts';
import type { ImageDataset, ImageSplit } from '../data/dataset.ts';
import { confusionMatrix, perClassAccuracy } from './confusion.ts';
import type { Evaluation, Misclassified } from './types.ts';

const BATCH = 500;

export async function evaluateModel(
  tf: TensorFlow,
  model: tfjs.LayersModel,
  dataset: ImageDataset,
  split: ImageSplit,
  options: { logits: boolean; maxMisclassified?: number },
): Promise<Evaluation> {
  const classes = dataset.classNames.length;
  const predictions = new Uint8Array(split.count);
  const confidences = new Float32Array(split.count);
  let lossSum = 0;
  for (const [start, end] of batchRanges(split.count, BATCH)) {
    const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    const batch = fillTestBatch(dataset, split, indices);
    const probabilities = tf.tidy(() => {
      const output = model.predict(tf.tensor4d(batch.images, [batch.size, ...dataset.shape])) as tfjs.Tensor;
      return options.logits ? tf.softmax(output) : output;
    });
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    for (let i = 0; i < batch.size; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
      predictions[start + i] = best;
      confidences[start + i] = values[i * classes + best]!;
      lossSum -= Math.log(Math.max(values[i * classes + split.labels[start + i]!]!, 1e-7));
    }
    // Let messages in between batches (a cancel reaching a training process mid-evaluation).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const confusion = confusionMatrix(split.labels.subarray(0, split.count), predictions, classes);
  const correct = confusion.reduce((sum, row, label) => sum + row[label]!, 0);
  return {
    dataset: dataset.name,
    classNames: dataset.classNames,
    imageShape: dataset.shape,
    images: split.count,
    accuracy: correct / split.count,
    loss: lossSum / split.count,
    confusion,
    perClass: perClassAccuracy(confusion, dataset.classNames),
    misclassified: mistakes(split, predictions, confidences, dataset.shape, options.maxMisclassified ?? 60),
  };
}

function mistakes(split: ImageSplit, predictions: Uint8Array, confidences: Float32Array, shape: [number, number, number], limit: number): Misclassified[] {
  const size = shape[0] * shape[1] * shape[2];
  const wrong: number[] = [];
  for (let i = 0; i < split.count; i++) if (predictions[i] !== split.labels[i]) wrong.push(i);
  return wrong
    .sort((a, b) => confidences[b]! - confidences[a]!)
    .slice(0, limit)
    .map((index) => ({
      index,
      label: split.labels[index]!,
      predicted: predictions[index]!,
      confidence: confidences[index]!,
      pixels: Array.from(split.pixels.subarray(index * size, (index + 1) * size)),
    }));
}
