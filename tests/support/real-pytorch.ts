/**
 * Real PyTorch for the export tests: Debian's python3-torch, run once for a whole batch of cases
 * (run_pytorch_exports.py beside this file), so that hundreds of exported modules cost seconds.
 * The pyenv `python3` on PATH has no torch; /usr/bin/python3 is the interpreter that does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env.PYTHON_WITH_TORCH ?? '/usr/bin/python3';
const RUNNER = fileURLToPath(new URL('./run_pytorch_exports.py', import.meta.url));

/** How to get PyTorch, for the one line a skipped test prints and the message a failing CI run gives. */
export const GET_TORCH = `${PYTHON} has no torch: apt-get install python3-torch (Debian), or set PYTHON_WITH_TORCH to a python3 that has it`;

/** Whether the interpreter imports torch and numpy; cached, checked without importing torch itself (1-2 s). */
let available: boolean | undefined;
export function hasPyTorch(): boolean {
  available ??=
    spawnSync(PYTHON, ['-c', 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("torch") and u.find_spec("numpy") else 1)'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** CI must run the real-PyTorch checks; a developer machine without torch skips them. */
export const TORCH_REQUIRED = process.env.CI === 'true' || process.env.CI === '1';

/** A float32 tensor: shape and values in row-major order. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

export interface TorchCase {
  label: string;
  /** The exported module's source. */
  source: string;
  className: string;
  /** Parameter and buffer name (`conv1.weight`) → value; `num_batches_tracked` is filled in by the runner. */
  stateDict: Map<string, FloatTensor>;
  /** The batch, channels first (N, C, H, W). */
  input: FloatTensor;
  /** Also one forward pass in training mode, returning the BatchNorm running statistics after it. */
  trainStep?: boolean;
}

export interface TorchResult {
  label: string;
  /** Python's traceback when the case could not run at all (import, weight loading, forward). */
  error?: string;
  /** "passed", or the exception the file's own `__main__` self-check raised. */
  selfCheck?: string;
  trainable?: number;
  total?: number;
  /** Every assignment `forward` made, in order: the variable, the expression's text, the shape without the batch axis. */
  assignments?: [string, string, number[]][];
  output?: number[];
  outputShape?: number[];
  trainOutput?: number[];
  /** Per BatchNorm module name, its running mean and variance after the training-mode pass. */
  runningStats?: Record<string, { mean: number[]; var: number[] }>;
}

interface BlobEntry {
  offset: number;
  shape: number[];
}

/** Appends tensors to one float32 buffer, remembering each one's offset (in floats) and shape. */
class Blob {
  private parts: Float32Array[] = [];
  private length = 0;

  add(tensor: FloatTensor): BlobEntry {
    const entry = { offset: this.length, shape: tensor.shape };
    this.parts.push(tensor.data);
    this.length += tensor.data.length;
    return entry;
  }

  bytes(): Buffer {
    const all = new Float32Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      all.set(part, at);
      at += part.length;
    }
    // Little-endian, as the runner reads it ('<f4'); every machine we run on is.
    return Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  }
}

/** Runs every case in one Python process and returns the results in the same order. */
export async function runInPyTorch(cases: TorchCase[]): Promise<{ torch: string; results: TorchResult[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-torch-'));
  try {
    const manifest = cases.map((c, index) => {
      const blob = new Blob();
      const stateDict = Object.fromEntries([...c.stateDict].map(([name, tensor]) => [name, blob.add(tensor)]));
      const input = blob.add(c.input);
      const module = join(dir, `case_${index}.py`);
      const blobPath = join(dir, `case_${index}.bin`);
      writeFileSync(module, c.source);
      writeFileSync(blobPath, blob.bytes());
      return { label: c.label, module, className: c.className, blob: blobPath, stateDict, input, trainStep: c.trainStep ?? false };
    });
    const manifestPath = join(dir, 'manifest.json');
    const resultsPath = join(dir, 'results.json');
    writeFileSync(manifestPath, JSON.stringify({ cases: manifest }));
    await runPython([RUNNER, manifestPath, resultsPath]);
    return JSON.parse(readFileSync(resultsPath, 'utf8')) as { torch: string; results: TorchResult[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runPython(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${PYTHON} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}
