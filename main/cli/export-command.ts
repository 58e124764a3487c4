/**
 * `cnn-studio export <graph|run> --format …`: PyTorch or Keras code, Keras JSON, ONNX with weights,
 * a run's PyTorch module with its trained weights, a PyTorch training script, or a run's
 * TensorFlow.js model.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, StudioError } from '../errors.ts';
import { exportRunModel, exportText, writeExport, type TextExportFormat } from '../files/write-export.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readRunGraph } from '../runs/run-history.ts';
import type { CliExportFormat } from './choices.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export interface ExportOptions {
  format: CliExportFormat;
  out?: string;
  model: 'best' | 'last';
  /** pytorch-train: copy the dataset (as IDX files) beside the script. */
  withData?: boolean;
}

export async function runExport(source: string, options: ExportOptions, io: Output): Promise<number> {
  try {
    const isRun = (await stat(source).catch(() => null))?.isDirectory() ?? false;
    switch (options.format) {
      case 'tfjs': {
        if (!isRun) throw new StudioError(`--format tfjs exports a trained model: give a run folder, not ${source}`);
        const files = await exportRunModel(source, options.model, requireOut(options, 'FOLDER for model.json and its weights'));
        io.err(`Wrote ${files.join(', ')}`);
        return EXIT_OK;
      }
      case 'onnx': {
        const out = requireOut(options, 'model.onnx (ONNX is a binary file)');
        // Loaded here: the exports with weights need TensorFlow.js, the code exports do not.
        const { initialWeights, runWeights, writeOnnxExport } = await import('../files/export-model.ts');
        const design = isRun ? await runWeights(source, options.model) : await initialWeights(await readDesign(source));
        await writeOnnxExport(out, design);
        io.err(`Wrote ${out} (${design.from})`);
        return EXIT_OK;
      }
      case 'pytorch-train': {
        const out = requireOut(options, 'FOLDER for train.py');
        const graph = isRun ? await readRunGraph(source) : await readDesign(source);
        const { writeTrainingScript } = await import('../files/write-training-script.ts');
        const written = await writeTrainingScript(out, graph, { withData: options.withData ?? false });
        io.err(`Wrote ${written.files.length > 1 ? `${written.files[0]} and ${written.files.length - 1} data files` : written.files[0]} (${written.dataset})`);
        io.err(`Run it: python ${join(out, 'train.py')} --data ${options.withData ? join(out, 'data') : 'DATA_FOLDER'}   (or torchrun --nproc_per_node=N …)`);
        return EXIT_OK;
      }
      case 'pytorch':
        // A run with --out FOLDER: the module with the run's trained weights. Printed, or to a .py file: the code alone.
        if (isRun && options.out && !/\.py$/i.test(options.out)) {
          const { runWeights, writePyTorchExport } = await import('../files/export-model.ts');
          const out = options.out;
          const design = await runWeights(source, options.model);
          const written = await writePyTorchExport(out, design);
          io.err(`Wrote ${written.files.join(', ')} (${design.from}; known predictions: ${written.checks})`);
          return EXIT_OK;
        }
        return await writeText(isRun ? await readRunGraph(source) : await readDesign(source), options.format, options.out, io);
      default:
        return await writeText(isRun ? await readRunGraph(source) : await readDesign(source), options.format, options.out, io);
    }
  } catch (error) {
    io.err(`error: ${describeError(error).replace(/^Error: /, '')}`);
    return EXIT_UNREADABLE;
  }
}

async function writeText(graph: GraphDocument, format: TextExportFormat, out: string | undefined, io: Output): Promise<number> {
  if (!out) {
    io.out((await exportText(graph, format)).trimEnd());
    return EXIT_OK;
  }
  await writeExport(out, graph, format);
  io.err(`Wrote ${out}`);
  return EXIT_OK;
}

function requireOut(options: ExportOptions, what: string): string {
  if (!options.out) throw new StudioError(`--format ${options.format} needs --out ${what}`);
  return options.out;
}

async function readDesign(path: string): Promise<GraphDocument> {
  const read = await readGraphFile(path);
  if (!read.ok) throw new StudioError(read.problems.join('; '));
  return read.graph;
}
