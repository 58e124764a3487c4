/**
 * Running ONNX models in onnxruntime (the onnxruntime-node devDependency, CPU), and Debian's
 * onnx.checker over a batch of files in one Python process.
 */
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { PYTHON } from './python.ts';

/** The model's one output for a batch given channels first (N, C, H, W). */
export async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: number[]): Promise<{ values: Float32Array; shape: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const outputs = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, shape) });
    const output = outputs[session.outputNames[0]!]!;
    return { values: output.data as Float32Array, shape: output.dims };
  } finally {
    await session.release();
  }
}

/** Whether /usr/bin/python3 imports onnx (Debian's python3-onnx). */
export function hasOnnxChecker(): boolean {
  return spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
}

/** onnx.checker.check_model (full check) on each file; returns "ok" or the checker's message per file. */
export function checkOnnxFiles(paths: string[]): string[] {
  const script = [
    'import json, sys, onnx',
    'results = []',
    'for path in json.loads(sys.argv[1]):',
    '    try:',
    '        onnx.checker.check_model(onnx.load(path), full_check=True)',
    '        results.append("ok")',
    '    except Exception as error:',
    '        results.append(f"{type(error).__name__}: {error}")',
    'print(json.dumps(results))',
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script, JSON.stringify(paths)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`onnx.checker did not run: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
}
