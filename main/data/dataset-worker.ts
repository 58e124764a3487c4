/**
 * The worker thread that reads a dataset (dataset-thread.ts starts it): decoding images, inflating
 * IDX files and summing pixel statistics take seconds of CPU, which here stall no one's event loop.
 * It answers once and exits: `{ ok: true, result }`, or `{ ok: false, message }` with the one-line
 * message the same load would have thrown in the caller's thread.
 */
import type { DatasetName } from './dataset-name.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.ts';
import type { ImageDataset } from './dataset.ts';
import { openDataset } from './datasets.ts';
import { inspectDataset } from './inspect.ts';

export type DatasetTask = { task: 'preview'; name: string | DatasetName; previewPerClass: number } | { task: 'load'; name: string | DatasetName };

export type DatasetAnswer = { ok: true; result: unknown } | { ok: false; message: string };

const request = workerData as DatasetTask;
try {
  const { dataset, skipped } = await openDataset(request.name);
  if (request.task === 'preview') {
    parentPort!.postMessage({ ok: true, result: { ...inspectDataset(dataset, { previewPerClass: request.previewPerClass }), skipped } } satisfies DatasetAnswer);
  } else {
    // The pixels move to the caller's thread without a copy.
    parentPort!.postMessage({ ok: true, result: { dataset, skipped } } satisfies DatasetAnswer, buffersOf(dataset));
  }
} catch (error) {
  parentPort!.postMessage({ ok: false, message: describeError(error) } satisfies DatasetAnswer);
}

/** The distinct buffers under the dataset's arrays (a buffer listed twice cannot be transferred). */
function buffersOf(dataset: ImageDataset): ArrayBuffer[] {
  const arrays = [dataset.train.pixels, dataset.train.labels, dataset.test.pixels, dataset.test.labels];
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}
