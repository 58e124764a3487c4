/**
 * One training job from start to end: pick the backend, check the design fits in it, load the
 * data, make the run folder, train, and keep the folder in step. Every failure becomes a `failed`
 * event; nothing is thrown.
 */
import { analyzeGraph } from '../analysis/analyze.ts';
import { loadBackend, loadFastestBackend, type BackendName } from '../backends/ladder.ts';
import { limitDataset } from '../data/dataset.ts';
import { describeDatasetName } from '../data/dataset-name.ts';
import { loadDataset } from '../data/datasets.ts';
import { describeError } from '../errors.ts';
import { resolveValidation, type TrainingSettings } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { runEnvironment } from '../runs/environment.ts';
import { openRunForResume } from '../runs/resume-run.ts';
import { createRunFolder, truncateMetrics, writeRunRecord, type RunRecord } from '../runs/run-folder.ts';
import { folderExists, runFolderGoneMessage, watchRunFolder } from '../runs/run-folder-watch.ts';
import { checkpointer, newRunRecord, resumedRunRecord, runRecorder } from '../runs/run-recorder.ts';
import type { TrainingEvent } from './events.ts';
import { checkTrainingMemory } from './memory-check.ts';
import { watchWasmHeap } from './out-of-memory.ts';
import { keepInitialWeights, readInitialWeights } from './initial-weights.ts';
import { threadsFor } from './thread-count.ts';
import { defaultThreads } from './threads.ts';
import { train } from './trainer.ts';

/** A new run, or (with `resume`) more epochs of an earlier one from its checkpoint. */
export type TrainingRequest = NewRunRequest | ResumeRequest;

export interface NewRunRequest {
  graph: GraphDocument;
  settings: TrainingSettings;
  backend: BackendName | 'auto';
  /** Where run folders go; null trains without saving anything. */
  runsRoot: string | null;
  /** An ONNX model to start from (fine-tuning); a copy goes into the run folder. */
  initialWeights?: string | undefined;
  /** Threads to train on; default one per core (threads.ts). */
  threads?: number;
  resume?: undefined;
}

export interface ResumeRequest {
  backend: BackendName | 'auto';
  /** Threads to train on; default one per core (the callers pass the run's own). */
  threads?: number;
  /** The run folder to carry on, and the epochs it is to reach in all (default: those it was to reach). */
  resume: { runDir: string; epochs?: number };
}

/**
 * Why the run should stop at the next batch: the user cancelled it, or the program that started
 * it went away (then run.json says interrupted rather than cancelled); null to go on.
 */
export type StopRequest = () => 'cancel' | 'interrupt' | null;

export async function runTraining(request: TrainingRequest, emit: (event: TrainingEvent) => void, stopRequest: StopRequest): Promise<void> {
  let record: Promise<void> = Promise.resolve();
  try {
    // A resumed run trains the graph and settings its folder holds, from its checkpoint.
    const resumed = request.resume ? await openRunForResume(request.resume.runDir, request.resume.epochs) : null;
    const graph = request.resume === undefined ? request.graph : resumed!.graph;
    let settings = request.resume === undefined ? request.settings : resumed!.settings;
    emit({ type: 'phase', phase: 'backend', message: request.backend === 'auto' ? 'Starting the fastest backend…' : `Starting the ${request.backend} backend…` });
    // Threads are replicas, each with a single-threaded wasm backend (train/parallel/).
    const options = { wasmThreads: 1 };
    const backend = request.backend === 'auto' ? await loadFastestBackend(options) : await loadBackend(request.backend, options);
    const threads = threadsFor(backend.name, request.threads ?? defaultThreads());
    // The caller checked against the backend it expected; `auto` may have landed on another.
    checkTrainingMemory(analyzeGraph(graph), settings, backend.name, { threads });
    const heap = watchWasmHeap(backend);
    // Read before anything is written: weights that do not fit end the run before it has a folder.
    const start = request.resume === undefined && request.initialWeights !== undefined ? await readInitialWeights(graph, request.initialWeights) : undefined;
    emit({ type: 'phase', phase: 'data', message: `Loading ${describeDatasetName(settings.dataset)}…` });
    const dataset = limitDataset(await loadDataset(settings.dataset), settings.limit);
    // settings.json records the split as a number of images: what the run used.
    settings = resolveValidation(settings, dataset.train.count);
    const environment = runEnvironment(backend.name, backend.detail);
    let runDir: string | null;
    let runRecord: RunRecord;
    if (resumed) {
      runDir = resumed.dir;
      runRecord = resumedRunRecord(resumed.record, resumed.checkpoint.epoch, resumed.epochs, resumed.checkpoint.seconds, environment);
      await truncateMetrics(runDir, resumed.checkpoint.event);
      await writeRunRecord(runDir, runRecord);
    } else {
      const runsRoot = request.resume === undefined ? request.runsRoot : null;
      runDir = runsRoot === null ? null : await createRunFolder(runsRoot, graph, settings);
      runRecord = newRunRecord(graph.name ?? 'graph', backend.name, environment);
      if (start && runDir) runRecord.initialWeights = await keepInitialWeights(runDir, start);
    }
    // The folder is written before the event goes out, so whoever hears of an epoch can read it.
    // If the folder cannot be written (disk full) or was deleted, the run stops rather than train
    // unrecorded.
    let writeFailure: unknown;
    let folderGone = false;
    const watch = runDir ? watchRunFolder(runDir, () => (folderGone = true)) : null;
    const recorder = runDir ? runRecorder(runDir, runRecord) : null;
    const sink = (event: TrainingEvent) => {
      if (!runDir || !recorder) return emit(event);
      record = record.then(async () => {
        if (writeFailure !== undefined) return;
        try {
          if (event.type === 'cancelled' && stopRequest() === 'interrupt') await recorder.interruption();
          else await recorder.record(event);
          emit(event);
        } catch (error) {
          writeFailure = error;
        }
      });
    };
    try {
      await train({
        tf: backend.tf,
        backend: backend.name,
        graph,
        dataset,
        settings,
        emit: sink,
        isCancelled: () => stopRequest() !== null || writeFailure !== undefined || folderGone,
        runDir,
        ...(start ? { initialWeights: start.weights } : {}),
        threads,
        ...(runDir ? { checkpoint: checkpointer(backend.tf, runDir) } : {}),
        ...(resumed ? { resume: resumed.checkpoint, epochs: resumed.epochs } : {}),
      });
    } catch (error) {
      sink({ type: 'failed', error: heap.describe(error) ?? describeError(error) });
    } finally {
      watch?.stop();
    }
    await record;
    // The watch may not have ticked yet when a write found the folder gone.
    if (runDir && (folderGone || (writeFailure !== undefined && !(await folderExists(runDir))))) {
      emit({ type: 'failed', error: runFolderGoneMessage(runDir) });
    } else if (writeFailure !== undefined) {
      emit({ type: 'failed', error: `cannot write the run folder ${runDir}: ${describeError(writeFailure)}` });
    }
  } catch (error) {
    emit({ type: 'failed', error: describeError(error) });
  }
}
