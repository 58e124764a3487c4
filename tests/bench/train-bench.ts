/** Runs the training benchmark once per backend, each in a fresh process. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BACKENDS, type BackendName } from '../../main/backends/ladder.ts';
import type { TrainBenchRow } from './train-bench-worker.ts';

const WORKER = fileURLToPath(new URL('./train-bench-worker.ts', import.meta.url));
/** tsx's loader by its absolute URL: a bare `--import tsx` is resolved from the working folder. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function runTrainBench(backends: readonly BackendName[] = BACKENDS): Promise<TrainBenchRow[]> {
  return backends.reduce<Promise<TrainBenchRow[]>>(
    async (rows, backend) => [...(await rows), await measureInChild(backend)],
    Promise.resolve([]),
  );
}

function measureInChild(backend: BackendName): Promise<TrainBenchRow> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', TSX, WORKER, backend], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`the ${backend} benchmark failed: ${stderr.trim().split('\n').at(-1)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as TrainBenchRow);
    });
  });
}
