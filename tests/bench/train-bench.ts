/**
 * The training benchmark: journey round 10 on wasm at 1, 2 and availableParallelism() threads,
 * each beside PyTorch at the same number of threads (tests/bench/pytorch_round10.py, Debian's
 * python3-torch, when `import torch` works), plus every other backend at one thread. Each
 * measurement is a fresh process; ours and PyTorch's alternate, round after round, so that a
 * machine busy for a while slows both, and the ratio is taken round by round.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BACKENDS, type BackendName } from '../../main/backends/ladder.ts';
import type { TrainBenchRow } from './train-bench-worker.ts';

const WORKER = fileURLToPath(new URL('./train-bench-worker.ts', import.meta.url));
const PYTORCH = fileURLToPath(new URL('./pytorch_round10.py', import.meta.url));
/** Debian's Python, where python3-torch installs PyTorch (not whatever python3 is first on PATH). */
const PYTHON = '/usr/bin/python3';

export interface ThreadsRow {
  threads: number;
  /** Our median step and the rest of the row from the round with the median step. */
  ours: TrainBenchRow;
  oursStepMs: number[];
  /** PyTorch's step per round; empty without PyTorch. */
  torchStepMs: number[];
  torchImagesPerSecond: number | null;
  /** Median over the rounds of our images/s over PyTorch's. */
  ratio: number | null;
  /** Our images/s over ours on one thread. */
  speedUp: number | null;
}

export interface TrainBench {
  rows: ThreadsRow[];
  /** Every other backend, one thread. */
  others: TrainBenchRow[];
  torch: { available: boolean; detail: string };
  rounds: number;
}

export interface TrainBenchOptions {
  backends?: readonly BackendName[];
  threads?: number[];
  rounds?: number;
}

export async function runTrainBench(options: TrainBenchOptions = {}): Promise<TrainBench> {
  const backends = options.backends ?? BACKENDS;
  const rounds = options.rounds ?? 3;
  const threads = [...new Set(options.threads ?? [1, 2, availableParallelism()])].sort((a, b) => a - b);
  const torch = await pytorchAvailable();
  const rows: ThreadsRow[] = [];
  if (backends.includes('wasm')) {
    const ours = new Map<number, TrainBenchRow[]>(threads.map((t) => [t, []]));
    const theirs = new Map<number, number[]>(threads.map((t) => [t, []]));
    for (let round = 0; round < rounds; round++) {
      for (const t of threads) {
        ours.get(t)!.push(await measureInChild('wasm', t));
        if (torch.available) theirs.get(t)!.push((await pytorchStep(t)).stepMs);
      }
    }
    for (const t of threads) {
      const mine = ours.get(t)!;
      const steps = mine.map((r) => r.trainStepMs ?? NaN);
      const torchSteps = theirs.get(t)!;
      const middle = [...mine].sort((a, b) => (a.trainStepMs ?? 0) - (b.trainStepMs ?? 0))[Math.floor(mine.length / 2)]!;
      rows.push({
        threads: t,
        ours: middle,
        oursStepMs: steps,
        torchStepMs: torchSteps,
        torchImagesPerSecond: torchSteps.length > 0 ? (64 / median(torchSteps)) * 1000 : null,
        // Per round: our images/s over PyTorch's = PyTorch's step over ours.
        ratio: torchSteps.length > 0 ? median(torchSteps.map((theirsMs, i) => theirsMs / steps[i]!)) : null,
        speedUp: null,
      });
    }
    const one = rows.find((row) => row.threads === 1);
    for (const row of rows) row.speedUp = one ? median(one.oursStepMs) / median(row.oursStepMs) : null;
  }
  const others: TrainBenchRow[] = [];
  for (const backend of backends) if (backend !== 'wasm') others.push(await measureInChild(backend, 1));
  return { rows, others, torch, rounds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function measureInChild(backend: BackendName, threads: number): Promise<TrainBenchRow> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', WORKER, backend, String(threads)], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`the ${backend} benchmark at ${threads} threads failed: ${stderr.trim().split('\n').at(-1)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as TrainBenchRow);
    });
  });
}

function pytorchAvailable(): Promise<{ available: boolean; detail: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, ['-c', 'import torch; print(torch.__version__)'], (error, stdout, stderr) => {
      if (error) resolve({ available: false, detail: `${PYTHON} -c "import torch" failed: ${(stderr || error.message).trim().split('\n').at(-1)}` });
      else resolve({ available: true, detail: `PyTorch ${stdout.trim()} (${PYTHON})` });
    });
  });
}

function pytorchStep(threads: number): Promise<{ stepMs: number }> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [PYTORCH, '--threads', String(threads), '--warmup', '30', '--steps', '60'], (error, stdout, stderr) => {
      if (error) return reject(new Error(`PyTorch at ${threads} threads failed: ${stderr.trim().split('\n').at(-1)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as { stepMs: number });
    });
  });
}
