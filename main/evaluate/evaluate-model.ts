/**
 * Runs a trained model over a dataset split and reports what the evaluation views show: accuracy,
 * loss, the confusion matrix, per-class accuracy and the most confident mistakes. The trainer uses
 * it too, for the test split after every epoch; a data-parallel run has each replica predict a
 * part of the split (`predictRange`) and puts the parts together (`summarizePredictions`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { inferenceBatch } from '../analysis/training-memory.ts';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { fillTestBatch } from '../data/batches.ts';
import type { ImageDataset, ImageSplit } from '../data/dataset.ts';
import { confusionMatrix, perClassAccuracy } from './confusion.ts';
import type { Evaluation, Misclassified } from './types.ts';

/** Per image of a split: the predicted class, its probability, and the image's loss (−ln p(label), p floored at 1e-7). */
export interface SplitPredictions {
  predictions: Uint8Array;
  confidences: Float32Array;
  losses: Float64Array;
}

export function emptyPredictions(count: number, allocate: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes)): SplitPredictions {
  return {
    predictions: new Uint8Array(allocate(count)),
    confidences: new Float32Array(allocate(count * 4)),
    losses: new Float64Array(allocate(count * 8)),
  };
}

/**
 * The images a prediction batch holds: the test pass's batch of images, at most 500, fewer when
 * the model's widest layer would make a batch of 500 take more than the inference budget.
 */
export function predictionBatch(model: tfjs.LayersModel): number {
  const values = (shape: tfjs.Shape | tfjs.Shape[]) => {
    const shapes = (Array.isArray(shape[0]) ? shape : [shape]) as tfjs.Shape[];
    return shapes.reduce<number>((sum, s) => sum + s.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  };
  let widest = 0;
  for (const layer of model.layers) {
    const inbound = (layer as unknown as { inboundNodes: { inputShapes: tfjs.Shape | tfjs.Shape[] }[] }).inboundNodes[0];
    widest = Math.max(widest, values(layer.outputShape) + (inbound ? values(inbound.inputShapes) : 0));
  }
  return inferenceBatch(widest * 4);
}

/**
 * Predicts images [start, end) of `split` into `out`, a batch at a time; between batches it
 * yields to the event loop when `yieldBetween` (a training process must hear a cancel).
 */
export async function predictRange(
  tf: TensorFlow,
  model: tfjs.LayersModel,
  dataset: ImageDataset,
  split: ImageSplit,
  range: [start: number, end: number],
  options: { logits: boolean; yieldBetween?: boolean },
  out: SplitPredictions,
): Promise<void> {
  const classes = dataset.classNames.length;
  const batchSize = predictionBatch(model);
  for (let start = range[0]; start < range[1]; start += batchSize) {
    const end = Math.min(start + batchSize, range[1]);
    const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    const batch = fillTestBatch(dataset, split, indices);
    const probabilities = tf.tidy(() => {
      const output = model.predict(tf.tensor4d(batch.images, [batch.size, ...dataset.shape]), { batchSize: batch.size }) as tfjs.Tensor;
      return options.logits ? tf.softmax(output) : output;
    });
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    for (let i = 0; i < batch.size; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
      out.predictions[start + i] = best;
      out.confidences[start + i] = values[i * classes + best]!;
      out.losses[start + i] = -Math.log(Math.max(values[i * classes + split.labels[start + i]!]!, 1e-7));
    }
    // Let messages in between batches (a cancel reaching a training process mid-evaluation).
    if (options.yieldBetween ?? true) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The evaluation from every image's prediction; the loss is summed in image order, whoever predicted which. */
export function summarizePredictions(dataset: ImageDataset, split: ImageSplit, out: SplitPredictions, maxMisclassified = 60): Evaluation {
  const classes = dataset.classNames.length;
  let lossSum = 0;
  for (let i = 0; i < split.count; i++) lossSum += out.losses[i]!;
  const confusion = confusionMatrix(split.labels.subarray(0, split.count), out.predictions, classes);
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
    misclassified: mistakes(split, out.predictions, out.confidences, dataset.shape, maxMisclassified),
  };
}

export async function evaluateModel(
  tf: TensorFlow,
  model: tfjs.LayersModel,
  dataset: ImageDataset,
  split: ImageSplit,
  options: { logits: boolean; maxMisclassified?: number },
): Promise<Evaluation> {
  const out = emptyPredictions(split.count);
  await predictRange(tf, model, dataset, split, [0, split.count], options, out);
  return summarizePredictions(dataset, split, out, options.maxMisclassified);
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
