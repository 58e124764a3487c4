/** Runs the per-kernel profile of a training step (kernel-profile-worker.ts) in a fresh process. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KernelProfile } from './kernel-profile-worker.ts';

const WORKER = fileURLToPath(new URL('./kernel-profile-worker.ts', import.meta.url));
/** tsx's loader by its absolute URL: a bare `--import tsx` is resolved from the working folder. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function runKernelProfile(): Promise<KernelProfile> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', TSX, WORKER], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`the kernel profile failed: ${stderr.trim().split('\n').at(-1)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as KernelProfile);
    });
  });
}
