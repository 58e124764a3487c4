/**
 * Fine-tuning: training that starts from the weights of an ONNX model (one imported from PyTorch
 * or elsewhere, or the studio's own export) instead of the seeded initialisation. The weights are
 * matched to the design's blocks by name (weights/onnx-weights.ts) and checked before the run
 * starts; the model file is copied into the run folder, so the run says what it started from.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, StudioError } from '../errors.ts';
import { readOnnxModel } from '../files/read-onnx-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import { ONNX_MODEL_FILE } from '../runs/saved-models.ts';
import { weightsFromOnnx } from '../weights/onnx-weights.ts';
import { WeightsMismatchError, type GraphWeights } from '../weights/types.ts';

/** Where a run keeps the model it started from. */
export const INITIAL_MODEL_FOLDER = join('models', 'initial');

export interface InitialWeights {
  path: string;
  weights: GraphWeights;
}

/** The design's weights from the model at `path`; throws a StudioError that names the file and what does not fit. */
export async function readInitialWeights(graph: GraphDocument, path: string): Promise<InitialWeights> {
  try {
    return { path, weights: weightsFromOnnx(graph, await readOnnxModel(path), path) };
  } catch (error) {
    if (error instanceof WeightsMismatchError) throw error;
    throw new StudioError(`cannot start from the weights in ${path}: ${describeError(error).replace(/^cannot read [^:]*: /, '')}`);
  }
}

/** Copies the starting model into the run folder; returns the name to record in run.json. */
export async function keepInitialWeights(runDir: string, start: InitialWeights): Promise<string> {
  const folder = join(runDir, INITIAL_MODEL_FOLDER);
  await mkdir(folder, { recursive: true });
  await copyFile(start.path, join(folder, ONNX_MODEL_FILE));
  return start.path;
}
