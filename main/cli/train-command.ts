/** `cnn-studio train <graph>`: trains in a separate process and shows its progress. */
import { resolve } from 'node:path';
import type { BackendName } from '../backends/ladder.ts';
import { describeError } from '../errors.ts';
import { readInitialWeights } from '../train/initial-weights.ts';
import { checkTrainingMemory } from '../train/memory-check.ts';
import { defaultThreads } from '../train/threads.ts';
import { startTrainingProcess } from '../train/worker/controller.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { EXIT_INVALID_GRAPH, EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';
import { createProgressPrinter } from './train-progress.ts';
import { settingsFromFlags, type TrainFlags } from './train-options.ts';
import { analyzeGraph } from '../analysis/analyze.ts';
import { formatDiagnostic } from './print-summary.ts';

export const EXIT_TRAINING_FAILED = 1;
export const EXIT_CANCELLED = 130;

export interface TrainCommandOptions extends TrainFlags {
  backend: BackendName | 'auto';
  /** An ONNX model to start from (fine-tuning). */
  weights?: string;
  /** Threads to train on; default one per core. */
  threads?: number;
  out: string;
  save: boolean;
  json?: boolean;
}

export async function runTrain(file: string, options: TrainCommandOptions, io: Output): Promise<number> {
  const read = await readGraphFile(file);
  if (!read.ok) {
    for (const problem of read.problems) io.err(`error: ${problem}`);
    return EXIT_UNREADABLE;
  }
  const analysis = analyzeGraph(read.graph);
  if (!analysis.valid) {
    io.err(`error: ${file} is not a valid graph:`);
    for (const diagnostic of analysis.diagnostics) io.err(formatDiagnostic(diagnostic));
    return EXIT_INVALID_GRAPH;
  }
  let settings;
  try {
    settings = settingsFromFlags(read.graph.training, options);
  } catch (error) {
    io.err(`error: ${describeError(error)}`);
    return EXIT_UNREADABLE;
  }

  const print = options.json
    ? (event: unknown) => io.out(JSON.stringify(event))
    : createProgressPrinter({ ...io, ...(process.stderr.isTTY ? { barStream: process.stderr } : {}) });
  try {
    checkTrainingMemory(analysis, settings, options.backend, { threads: options.threads ?? defaultThreads() });
    // Checked here too, so that weights that do not fit are refused before a process starts.
    if (options.weights !== undefined) await readInitialWeights(read.graph, resolve(options.weights));
  } catch (error) {
    // Refused like any other run that cannot start: a failed event, exit code 1.
    print({ type: 'failed', error: describeError(error) });
    return EXIT_TRAINING_FAILED;
  }
  const handle = startTrainingProcess(
    {
      graph: read.graph,
      settings,
      backend: options.backend,
      runsRoot: options.save ? resolve(options.out) : null,
      ...(options.weights === undefined ? {} : { initialWeights: resolve(options.weights) }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    },
    print,
  );
  const onInterrupt = () => handle.cancel();
  process.once('SIGINT', onInterrupt);
  const final = await handle.done;
  process.off('SIGINT', onInterrupt);
  if (final.type === 'finished') return EXIT_OK;
  return final.type === 'cancelled' ? EXIT_CANCELLED : EXIT_TRAINING_FAILED;
}
