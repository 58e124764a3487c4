/**
 * The worker thread that reads a dataset (dataset-thread.ts starts it): decoding images, inflating
 * IDX files and summing pixel statistics take seconds of CPU, which here stall no one's event loop.
 * It answers once and exits: `{ ok: true, result }`, or `{ ok: false, message }` with the one-line
 * message the same load would have thrown in the caller's thread.
 */
import type { DatasetName } from './dataset-name.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.ts';
import { openDataset } from './datasets.ts';
import { inspectDataset } from './inspect.ts';

export type DatasetTask = { task: 'preview'; name: string | DatasetName; previewPerClass: number };

export type DatasetAnswer = { ok: true; result: unknown } | { ok: false; message: string };

const request = workerData as DatasetTask;
try {
  const { dataset, skipped } = await openDataset(request.name);
  parentPort!.postMessage({ ok: true, result: { ...inspectDataset(dataset, { previewPerClass: request.previewPerClass }), skipped } } satisfies DatasetAnswer);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: describeError(error) } satisfies DatasetAnswer);
}
