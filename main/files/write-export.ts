/**
 * Writing an exported design to disk: PyTorch or Keras source, Keras JSON, or a run's trained model
 * in TensorFlow.js LayersModel format (its model.json and weights, copied as they are).
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { StudioError } from '../errors.ts';
import { refuseToReplaceGraph } from './file-format.ts';
import { readNamedFile } from './regular-file.ts';
import { writeAtomically } from './write-atomically.ts';
import type { GraphDocument } from '../graph/types.ts';
import { requireSavedModel } from '../runs/saved-models.ts';
import { GraphNotExportableError } from '../export/export-plan.ts';
import { exportKerasJson } from '../export/keras-json.ts';
import { exportKerasPython } from '../export/keras-python.ts';
import { exportPyTorch } from '../export/pytorch.ts';

import { EXPORT_FORMATS, type ExportFormat } from '../api/contract.ts';

export { EXPORT_FORMATS, type ExportFormat };

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { pytorch: '.py', keras: '.py', 'keras-json': '.json', onnx: '.onnx', 'pytorch-train': '.py' };

/** The exports that are text: all but ONNX. */
export type TextExportFormat = Exclude<ExportFormat, 'onnx'>;

/** Keras JSON from a design: a compiled model's topology (`kerasJsonText`, or the engine process's). */
export type KerasJsonMaker = (graph: GraphDocument) => Promise<string>;

/** The exported text of a design. */
export async function exportText(graph: GraphDocument, format: TextExportFormat, kerasJson: KerasJsonMaker = kerasJsonText): Promise<string> {
  const analysis = analyzeGraph(graph);
  try {
    if (format === 'pytorch') return exportPyTorch(graph, analysis);
    if (format === 'keras') return exportKerasPython(graph, analysis);
    // The studio writes the script alone; the CLI can add the dataset beside it (write-training-script.ts).
    if (format === 'pytorch-train') return (await import('./write-training-script.ts')).trainingScript(graph).script;
    return await kerasJson(graph);
  } catch (error) {
    if (error instanceof GraphNotExportableError) throw new StudioError(error.message);
    throw error;
  }
}

/**
 * Keras JSON made in this process. It comes from a compiled model, which needs a backend for its
 * (unused) weights. TensorFlow.js is loaded here, not above: the code exports never need it (nor
 * its start-up time), and the studio's hosts make it in their engine process instead.
 */
export async function kerasJsonText(graph: GraphDocument): Promise<string> {
  const analysis = analyzeGraph(graph);
  try {
    const tf = await import('@tensorflow/tfjs');
    if (tf.engine().backendName == null) {
      // As in backends/ladder.ts: tfjs's "install the node backend" banner is for developers, not users.
      tf.env().set('PROD', true);
      await tf.setBackend('cpu');
    }
    return `${JSON.stringify(exportKerasJson(tf, graph, analysis), null, 2)}\n`;
  } catch (error) {
    if (error instanceof GraphNotExportableError) throw new StudioError(error.message);
    throw error;
  }
}

/** Writes an export (ONNX with the design's initial weights); a CNN Studio graph at `path` is never replaced. */
export async function writeExport(path: string, graph: GraphDocument, format: ExportFormat, kerasJson?: KerasJsonMaker): Promise<void> {
  await refuseToReplaceGraph(path);
  if (format !== 'onnx') return writeAtomically(path, await exportText(graph, format, kerasJson));
  // TensorFlow.js (for the initial weights) is loaded only for this export.
  const { initialWeights, onnxBytes } = await import('./export-model.ts');
  await writeAtomically(path, onnxBytes(await initialWeights(graph)));
}

/**
 * Copies a run's saved model (best or last) into `folder`, ready for tf.loadLayersModel. Only
 * regular files are copied: a FIFO in the model folder would block the copy for ever, a device
 * never end it. Each file is written whole beside its target and renamed over it, so a symbolic
 * link already at the target is replaced, never followed out of `folder`.
 */
export async function exportRunModel(runDir: string, which: 'best' | 'last', folder: string): Promise<string[]> {
  const source = await requireSavedModel(runDir, which);
  const files = await readdir(source);
  await mkdir(folder, { recursive: true });
  for (const file of files) {
    await writeAtomically(join(folder, file), await readNamedFile(join(source, file)));
  }
  return files.map((file) => join(folder, file));
}
