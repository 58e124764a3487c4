/**
 * Reading a dataset in a worker thread (dataset-worker.ts), for hosts that must stay responsive
 * while it is read: the browser-mode server and the desktop app's main process answer other calls
 * meanwhile. One dataset is read at a time per process, so a burst of requests cannot hold several
 * gigabytes at once; the rest wait their turn.
 */
import type { DatasetName } from './dataset-name.ts';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../errors.ts';
import type { DatasetSummary } from './inspect.ts';
import type { DatasetAnswer, DatasetTask } from './dataset-worker.ts';
import type { SkippedFile } from './image-folder.ts';

export type DatasetPreview = DatasetSummary & { skipped: SkippedFile[] };

/**
 * Starts the worker's script, beside this module: the built `dataset-worker.js` that a bundle emits
 * next to its own chunks (electron/build.ts), or in a checkout the TypeScript source, through tsx
 * registered inside the worker (Node 20 does not apply `--import` hooks to a worker's own script),
 * and resolved from here, so the current folder does not matter.
 */
function startWorker(task: DatasetTask): Worker {
  const options = { workerData: task, stdout: false, stderr: false };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./dataset-worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = new URL('./dataset-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs one task in a fresh worker after the ones before it; rejects with a StudioError carrying the worker's message. */
function runTask(task: DatasetTask): Promise<unknown> {
  const run = queue.then(() => inWorker(task));
  queue = run.catch(() => {});
  return run;
}

/** The dataset a task reads, for messages: its name, or for a parsed name its folder. */
function datasetLabel(name: string | DatasetName): string {
  if (typeof name === 'string') return name;
  return name.kind === 'built-in' ? name.name : name.folder;
}

function inWorker(task: DatasetTask): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(task);
    let answered = false;
    worker.once('message', (answer: DatasetAnswer) => {
      answered = true;
      if (answer.ok) resolve(answer.result);
      else reject(new StudioError(answer.message));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(new StudioError(`reading the dataset ${datasetLabel(task.name)} failed: ${error.message.split('\n')[0]}`));
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new StudioError(`reading the dataset ${datasetLabel(task.name)} stopped without an answer (the worker exited with code ${code}; out of memory?)`));
    });
  });
}

/** The summary `previewDataset` shows, made in a worker thread: `previewPerClass` images per class. */
export function previewDatasetInThread(name: string | DatasetName, previewPerClass: number): Promise<DatasetPreview> {
  return runTask({ task: 'preview', name, previewPerClass }) as Promise<DatasetPreview>;
}

