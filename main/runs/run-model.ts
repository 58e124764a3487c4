/**
 * A run's saved model as a TensorFlow.js model, whatever trained it. The studio saves a
 * TensorFlow.js LayersModel (`models/best/model.json` + `weights.bin`); the exported PyTorch
 * training script saves ONNX (`models/best/model.onnx`), whose weights go into the run's graph
 * compiled here, matched to the blocks by name (weights/onnx-weights.ts). Evaluating, feature
 * maps and every export then work the same on both.
 */
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import { applyModelWeights } from '../compile/model-weights.ts';
import { compileGraph, type TensorFlow } from '../compile/to-tfjs.ts';
import { describeError, StudioError } from '../errors.ts';
import { readOnnxModel } from '../files/read-onnx-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import { weightsFromOnnx } from '../weights/onnx-weights.ts';
import { loadModel } from './model-files.ts';
import { readRunGraph } from './run-history.ts';
import { ONNX_MODEL_FILE, requireSavedModel, savedModelForm, type ModelChoice } from './saved-models.ts';

/** The run's saved model, ready to predict; throws a StudioError naming the run when it has none or it does not load. */
export async function loadRunModel(tf: TensorFlow, runDir: string, which: ModelChoice, graph?: GraphDocument): Promise<tfjs.LayersModel> {
  const folder = await requireSavedModel(runDir, which);
  const form = await savedModelForm(runDir, which);
  try {
    if (form === 'tfjs') return await loadModel(tf, folder);
    const design = graph ?? (await readRunGraph(runDir));
    const analysis = analyzeGraph(design);
    const weights = weightsFromOnnx(design, await readOnnxModel(join(folder, ONNX_MODEL_FILE)), join(folder, ONNX_MODEL_FILE));
    const model = compileGraph(tf, design, { analysis });
    try {
      applyModelWeights(tf, model, design, analysis, weights, join(folder, ONNX_MODEL_FILE));
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } catch (error) {
    throw new StudioError(`cannot load the ${which} model of ${runDir}: ${describeError(error)}`);
  }
}
