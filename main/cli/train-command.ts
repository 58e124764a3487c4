/** `cnn-studio train <graph>` and `cnn-studio train --resume RUN`: trains in a separate process and shows its progress. */
import { resolve } from 'node:path';
import type { BackendName } from '../backends/ladder.ts';
import { describeError } from '../errors.ts';
import type { GraphDocument } from '../graph/types.ts';
import { openRunForResume } from '../runs/resume-run.ts';
import { readInitialWeights } from '../train/initial-weights.ts';
import { checkTrainingMemory } from '../train/memory-check.ts';
import { defaultThreads } from '../train/threads.ts';
import type { StartMessage } from '../train/worker/protocol.ts';
import { startTrainingProcess } from '../train/worker/controller.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { EXIT_INVALID_GRAPH, EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';
import { createProgressPrinter } from './train-progress.ts';
import { SETTING_FLAGS, settingsFromFlags, type TrainFlags } from './train-options.ts';
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
  resume?: string;
}

export async function runTrain(file: string | undefined, options: TrainCommandOptions, io: Output): Promise<number> {
  const start = options.resume === undefined ? await newRun(file, options, io) : await resumedRun(file, options.resume, options, io);
  if (typeof start === 'number') return start;

  const print = options.json
    ? (event: unknown) => io.out(JSON.stringify(event))
    : createProgressPrinter({ ...io, ...(process.stderr.isTTY ? { barStream: process.stderr } : {}) });
  try {
    checkTrainingMemory(start.analysis, start.memorySettings, options.backend, { threads: start.message.threads ?? defaultThreads() });
    // Checked here too, so that weights that do not fit are refused before a process starts.
    if (start.message.initialWeights !== undefined) await readInitialWeights(start.graph, start.message.initialWeights);
  } catch (error) {
    // Refused like any other run that cannot start: a failed event, exit code 1.
    print({ type: 'failed', error: describeError(error) });
    return EXIT_TRAINING_FAILED;
  }
  const handle = startTrainingProcess(start.message, print);
  const onInterrupt = () => handle.cancel();
  process.once('SIGINT', onInterrupt);
  const final = await handle.done;
  process.off('SIGINT', onInterrupt);
  if (final.type === 'finished') return EXIT_OK;
  return final.type === 'cancelled' ? EXIT_CANCELLED : EXIT_TRAINING_FAILED;
}

interface Start {
  message: Omit<StartMessage, 'type'>;
  graph: GraphDocument;
  analysis: ReturnType<typeof analyzeGraph>;
  memorySettings: Parameters<typeof checkTrainingMemory>[1];
}

async function newRun(file: string | undefined, options: TrainCommandOptions, io: Output): Promise<Start | number> {
  if (file === undefined) {
    io.err('error: train needs a graph file, or --resume RUN to carry on a run');
    return EXIT_UNREADABLE;
  }
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
  try {
    const settings = settingsFromFlags(read.graph.training, options);
    const message = {
      graph: read.graph,
      settings,
      backend: options.backend,
      runsRoot: options.save ? resolve(options.out) : null,
      ...(options.weights === undefined ? {} : { initialWeights: resolve(options.weights) }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    };
    return { message, graph: read.graph, analysis, memorySettings: settings };
  } catch (error) {
    io.err(`error: ${describeError(error)}`);
    return EXIT_UNREADABLE;
  }
}

/** A resumed run keeps its own graph and settings; only the epochs to reach may change. */
async function resumedRun(file: string | undefined, runDir: string, options: TrainCommandOptions, io: Output): Promise<Start | number> {
  const refuse = (message: string) => {
    io.err(`error: ${message}`);
    return EXIT_UNREADABLE;
  };
  if (file !== undefined) return refuse(`--resume carries on the run's own graph; leave out ${file}`);
  const changed = (Object.keys(SETTING_FLAGS) as (keyof typeof SETTING_FLAGS)[]).filter((key) => options[key] !== undefined);
  if (changed.length > 0) {
    return refuse(`${changed.map((key) => SETTING_FLAGS[key]).join(', ')} cannot change a resumed run: it carries on with the settings it trained with (its settings.json); start a new run to change them`);
  }
  if (!options.save) return refuse('--no-save cannot go with --resume: a resumed run carries on in its own folder');
  if (options.weights !== undefined) return refuse('--weights cannot go with --resume: a resumed run carries on from its own checkpoint');
  try {
    const run = await openRunForResume(resolve(runDir), options.epochs);
    // The threads it trained on, unless asked otherwise: the same seed and thread count repeat a run exactly.
    const threads = options.threads ?? run.record.threads;
    const message = { graph: null, settings: null, backend: options.backend, runsRoot: null, ...(threads === undefined ? {} : { threads }), resume: { runDir: run.dir, epochs: run.epochs } };
    return { message, graph: run.graph, analysis: analyzeGraph(run.graph), memorySettings: run.settings };
  } catch (error) {
    return refuse(describeError(error));
  }
}
