/** `cnn-studio export <graph|run> --format …`: PyTorch or Keras code, Keras JSON, or a run's TensorFlow.js model. */
import { stat } from 'node:fs/promises';
import { describeError } from '../errors.ts';
import { exportRunModel, exportText, writeExport, type ExportFormat } from '../files/write-export.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readRunGraph } from '../runs/run-history.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export interface ExportOptions {
  format: ExportFormat | 'tfjs';
  out?: string;
  model: 'best' | 'last';
}

export async function runExport(source: string, options: ExportOptions, io: Output): Promise<number> {
  try {
    const isRun = (await stat(source).catch(() => null))?.isDirectory() ?? false;
    if (options.format === 'tfjs') {
      if (!isRun) throw new Error(`--format tfjs exports a trained model: give a run folder, not ${source}`);
      if (!options.out) throw new Error('--format tfjs needs --out FOLDER for model.json and its weights');
      const files = await exportRunModel(source, options.model, options.out);
      io.err(`Wrote ${files.join(', ')}`);
      return EXIT_OK;
    }
    const graph = isRun ? await readRunGraph(source) : await readDesign(source);
    if (!options.out) {
      io.out((await exportText(graph, options.format)).trimEnd());
      return EXIT_OK;
    }
    await writeExport(options.out, graph, options.format);
    io.err(`Wrote ${options.out}`);
    return EXIT_OK;
  } catch (error) {
    io.err(`error: ${describeError(error).replace(/^Error: /, '')}`);
    return EXIT_UNREADABLE;
  }
}

async function readDesign(path: string): Promise<GraphDocument> {
  const read = await readGraphFile(path);
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.graph;
}
