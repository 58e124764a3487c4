/**
 * The engine side of the API contract, shared by the desktop app and the browser-mode server:
 * presets, graph files, backends and training runs. Transports call it after checking arguments
 * against the schemas; it throws StudioError with a message for the user.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import type { BackendStatus } from '../backends/types.ts';
import { previewDatasetInThread } from '../data/dataset-thread.ts';
import { StudioError } from '../errors.ts';
import type { Evaluation, FeatureMaps } from '../evaluate/types.ts';
import { findBackupFile } from '../files/backup.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { readJsonFile } from '../files/read-json-file.ts';
import { recoveryStore } from '../files/recovery-file.ts';
import { writeAtomically } from '../files/write-atomically.ts';
import { EXPORT_EXTENSIONS, exportRunModel, writeExport } from '../files/write-export.ts';
import { writeGraphFile } from '../files/write-graph-file.ts';
import { parseGraphDocument } from '../graph/load.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import { readEpochMetrics, RUN_FILES } from '../runs/run-folder.ts';
import { deleteRun, readRunGraph, readRunsFolder, renameRun, runFolderIn, setRunNote, summarizeRun } from '../runs/run-history.ts';
import type { TrainingEvent } from '../train/events.ts';
import { readInitialWeights } from '../train/initial-weights.ts';
import { checkTrainingMemory } from '../train/memory-check.ts';
import { countWeights } from '../weights/types.ts';
import { defaultThreads } from '../train/threads.ts';
import { startTrainingProcess, type TrainingHandle } from '../train/worker/controller.ts';
import { openRunForResume } from '../runs/resume-run.ts';
import { FILE_KIND_INFO, OPENED_EXTENSIONS, type FileKind, type HostInfo, type StudioCalls, type TrainingResume, type TrainingStart } from './contract.ts';
import { datasetAccess } from './dataset-access.ts';
import { engineTasks, type EngineTasks } from './engine-tasks/engine-client.ts';
import type { EngineTask } from './engine-tasks/protocol.ts';
import { listFiles, listPresets } from './listings.ts';
import { isInside, isReallyInside, pathPolicy } from './path-policy.ts';

export interface StudioServiceOptions {
  kind: HostInfo['kind'];
  /** Graph files live here; in the browser mode no path may leave it. */
  workspace: string;
  /** Run folders go here. */
  runsRoot: string;
  /** The studio's own files: presets. */
  resourcesDir: string;
  /** Small state between sessions: recent files, the recovery file. */
  stateDir: string;
  /** The host's file dialog, when it has one. */
  chooseFile?: (purpose: 'open' | 'save', kind: FileKind, suggestedName?: string) => Promise<string | null>;
  /** Where training events go. */
  emitTrainingEvent: (runId: string, event: TrainingEvent) => void;
  /** Starts a training process; the desktop app passes one built on Electron's utilityProcess. */
  startTraining?: typeof startTrainingProcess;
  /**
   * Runs backend detection, evaluations and feature maps in the engine process (api/engine-tasks/),
   * off the host's event loop; the desktop app passes one built on Electron's utilityProcess.
   * Default: a forked Node.js process.
   */
  engineTasks?: EngineTasks;
}

const RECENT_LIMIT = 10;

export interface StudioService extends StudioCalls {
  /** Stops every run still going; for shutting down. */
  dispose(): void;
}

export function createStudioService(options: StudioServiceOptions): StudioService {
  const runs = new Map<string, TrainingHandle>();
  const recentPath = join(options.stateDir, 'recent-files.json');
  const start = options.startTraining ?? startTrainingProcess;
  /** Starts a training process and follows it under a new runId until it ends. */
  const follow = (message: Parameters<typeof startTrainingProcess>[0]): string => {
    const runId = randomUUID();
    const handle = start(message, (event) => options.emitTrainingEvent(runId, event));
    runs.set(runId, handle);
    void handle.done.finally(() => runs.delete(runId));
    return runId;
  };
  const recovery = recoveryStore(options.stateDir, options.workspace);

  const paths = pathPolicy(options.kind, options.workspace, () => readRecent(recentPath));
  const resolvePath = (path: string) => paths.check(path);
  const datasets = datasetAccess(options.kind, options.workspace);
  /**
   * The runs folder, checked before each use: in the browser mode, a runs folder named inside the
   * workspace must really lie there, so a `runs` link to elsewhere cannot carry training, renames
   * and notes out of it. (A host that puts it elsewhere on purpose says so by naming it there.)
   */
  const runsRoot = async (): Promise<string> => {
    if (options.kind === 'browser' && isInside(options.workspace, options.runsRoot) && !(await isReallyInside(options.workspace, options.runsRoot))) {
      throw new StudioError(`the runs folder ${options.runsRoot} leads outside the workspace ${options.workspace} (a symbolic link); the browser mode keeps runs in the workspace`);
    }
    return options.runsRoot;
  };
  /** A run folder by the id the page names, by its real path, never outside the runs folder. */
  const runFolder = async (id: string) => runFolderIn(await runsRoot(), id);
  const engine = options.engineTasks ?? engineTasks();
  /**
   * A task on one of the page's runs for the engine process: the run folder found by id, and the
   * run's dataset name confined like any name from the page, so the folder checked is the folder
   * the engine opens.
   */
  const runTask = async (id: string, task: (dir: string, dataset: string) => EngineTask) => {
    const dir = await runFolder(id);
    const settings = (await readRunGraph(dir)).training;
    if (!settings) throw new StudioError(`${dir} has no readable ${RUN_FILES.settings}`);
    return engine.run(task(dir, await datasets.resolveName(settings.dataset)));
  };

  /** Runs a write to `full` (a real path), making the workspace's folders on the way, with file-system errors in words. */
  const writing = async (full: string, write: () => Promise<unknown>) => {
    try {
      if (await isReallyInside(options.workspace, full)) await mkdir(dirname(full), { recursive: true });
      await write();
    } catch (error) {
      if (error instanceof StudioError) throw error;
      throw new StudioError(`cannot write ${full}: ${describeFsError(error)}`);
    }
  };

  const remember = async (path: string) => {
    const recent = [path, ...(await readRecent(recentPath)).filter((p) => p !== path)].slice(0, RECENT_LIMIT);
    await mkdir(options.stateDir, { recursive: true });
    await writeAtomically(recentPath, JSON.stringify(recent));
  };

  return {
    async hostInfo() {
      return { kind: options.kind, workspace: options.workspace, cores: defaultThreads() };
    },

    listPresets: () => listPresets(options.resourcesDir),

    async loadPreset(id) {
      const read = await readGraphFile(join(options.resourcesDir, `${id}.json`));
      if (!read.ok) throw new StudioError(`the preset ${id} does not load: ${read.problems[0]}`);
      return read.graph;
    },

    async listFiles(kind) {
      if (kind !== 'graph') return listFiles(options.workspace, FILE_KIND_INFO[kind].extension);
      // What Open reads: graphs and the models it imports as JSON, and ONNX models.
      const found = (await Promise.all(OPENED_EXTENSIONS.map((extension) => listFiles(options.workspace, extension)))).flat();
      const listed = found.filter((file) => !file.skipped).sort((a, b) => b.modified!.localeCompare(a.modified!));
      return [...listed, ...found.filter((file) => file.skipped)];
    },

    async chooseFile(purpose, kind, suggestedName) {
      const chosen = options.chooseFile ? await options.chooseFile(purpose, kind, suggestedName) : null;
      if (chosen) paths.grant(chosen);
      return chosen;
    },

    async openGraph(path) {
      const full = await resolvePath(path);
      const read = await readGraphFile(full);
      if (!read.ok) throw new StudioError(read.problems.join('; '));
      await remember(full);
      const importedWeights = read.onnx ? { count: read.onnx.weights ? countWeights(read.onnx.weights) : 0, problem: read.onnx.weightsProblem } : undefined;
      return { path: full, graph: read.graph, imported: read.format === 'cnn-studio' ? null : read.format, ...(importedWeights ? { importedWeights } : {}) };
    },

    async saveGraph(path, graph) {
      const full = await paths.target(path, '.json');
      await writing(full, () => writeGraphFile(full, graph));
      await remember(full);
      return { path: full };
    },

    async recentFiles() {
      return readRecent(recentPath);
    },

    async findBackup(path) {
      return findBackupFile(await resolvePath(path));
    },

    async openBackup(path) {
      const original = await resolvePath(path);
      const backup = await findBackupFile(original);
      if (!backup) throw new StudioError(`${original} has no backup (there is no regular file ${original}.bak beside it)`);
      const read = await readGraphFile(backup.path);
      if (!read.ok) throw new StudioError(`the backup does not open either: ${read.problems[0]}`);
      return { ...backup, original, graph: read.graph };
    },

    async saveRecovery(graph, path) {
      await recovery.save(graph, path);
    },

    readRecovery: () => recovery.read(),
    clearRecovery: () => recovery.clear(),

    // Detection loads every backend: in the engine process, not here.
    listBackends: async () => (await engine.run({ type: 'backends' })) as BackendStatus[],

    // In a worker thread: decoding a folder of images takes seconds the server's other calls should not wait for.
    previewDataset: async (name) => previewDatasetInThread(await datasets.resolve(name), 8),

    async startTraining(request: TrainingStart) {
      const graph = parseGraphDocument(request.graph);
      if (!graph.ok) throw new StudioError(`the graph is malformed: ${graph.problems[0]!.path}: ${graph.problems[0]!.message}`);
      const analysis = analyzeGraph(graph.graph);
      if (!analysis.valid) {
        const first = analysis.diagnostics.find((d) => d.severity === 'error')!;
        throw new StudioError(`fix the graph first: ${first.nodeId ? `${first.nodeId}: ` : ''}${first.message}`);
      }
      const settings = trainingSettingsSchema.safeParse(request.settings);
      if (!settings.success) {
        const issue = settings.error.issues[0]!;
        throw new StudioError(`invalid training settings: ${issue.path.join('.')}: ${issue.message}`);
      }
      // The folder checked is the folder the training process opens: the name goes over resolved.
      settings.data.dataset = await datasets.resolveName(settings.data.dataset);
      checkTrainingMemory(analysis, settings.data, request.backend, { threads: request.threads ?? defaultThreads() });
      // Fine-tuning: the model file is confined like any path, and checked against the design before a process starts.
      const initialWeights = request.initialWeights === undefined ? undefined : await resolvePath(request.initialWeights);
      if (initialWeights !== undefined) await readInitialWeights(graph.graph, initialWeights);
      return {
        runId: follow({
          graph: graph.graph,
          settings: settings.data,
          backend: request.backend,
          runsRoot: await runsRoot(),
          ...(initialWeights ? { initialWeights } : {}),
          ...(request.threads === undefined ? {} : { threads: request.threads }),
        }),
      };
    },

    async resumeTraining(request: TrainingResume) {
      // Refused here, in one line, before any process starts: a run still training, no checkpoint, nothing left to train.
      const run = await openRunForResume(await runFolder(request.runId), request.epochs);
      // The threads it trained on, unless asked otherwise: the same seed and thread count repeat a run exactly.
      const threads = request.threads ?? run.record.threads ?? defaultThreads();
      checkTrainingMemory(analyzeGraph(run.graph), run.settings, request.backend, { threads });
      return { runId: follow({ graph: null, settings: null, backend: request.backend, runsRoot: null, threads, resume: { runDir: run.dir, epochs: run.epochs } }) };
    },

    async stopTraining(runId) {
      runs.get(runId)?.cancel();
    },

    async activeRuns() {
      return [...runs.keys()];
    },

    listRuns: async () => readRunsFolder(await runsRoot()),

    async runDetails(id) {
      const dir = await runFolder(id);
      const summary = await summarizeRun(dir);
      return { summary, epochs: await readEpochMetrics(dir), graph: await readRunGraph(dir) };
    },

    renameRun: async (id, name) => renameRun(await runFolder(id), name),
    setRunNote: async (id, note) => setRunNote(await runFolder(id), note),
    deleteRun: async (id) => deleteRun(options.runsRoot, await runFolder(id)),

    // Seconds of inference: in the engine process, which keeps the model and dataset for the next click.
    evaluateRun: async (id, model) => (await runTask(id, (runDir, dataset) => ({ type: 'evaluate', runDir, model, dataset }))) as Evaluation,
    featureMaps: async (id, index) => (await runTask(id, (runDir, dataset) => ({ type: 'featureMaps', runDir, index, dataset }))) as FeatureMaps,

    async exportDesign(path, format, graph) {
      const loaded = parseGraphDocument(graph);
      if (!loaded.ok) throw new StudioError(`the graph is malformed: ${loaded.problems[0]!.path}: ${loaded.problems[0]!.message}`);
      const full = await paths.target(path, EXPORT_EXTENSIONS[format]);
      // Keras JSON compiles the model with TensorFlow.js: in the engine process.
      await writing(full, () => writeExport(full, loaded.graph, format, async (graph) => (await engine.run({ type: 'kerasJson', graph })) as string));
      return { path: full };
    },

    async exportRunModel(id, path, format = 'tfjs') {
      const dir = await runFolder(id);
      if (format === 'tfjs') return { files: await exportRunModel(dir, 'best', await resolvePath(path)) };
      // TensorFlow.js reads the run's model in this process, as for an evaluation.
      const { runWeights, writeOnnxExport, writePyTorchExport } = await import('../files/export-model.ts');
      const design = await runWeights(dir, 'best');
      if (format === 'pytorch') {
        // The known predictions come from the run's dataset, confined like any name from the page.
        const runDataset = { resolveDataset: (name: string) => datasets.resolve(name) };
        const folder = await resolvePath(path);
        let files: string[] = [];
        await writing(join(folder, 'model.py'), async () => (files = (await writePyTorchExport(folder, design, runDataset)).files));
        return { files };
      }
      const file = await paths.target(path, '.onnx');
      await writing(file, () => writeOnnxExport(file, design));
      return { files: [file] };
    },

    dispose() {
      for (const handle of runs.values()) handle.kill();
      runs.clear();
      engine.dispose();
    },
  };
}

/**
 * The recent files; none when the list is missing or damaged. That only narrows what the desktop
 * lets the page open, and the next save writes the list afresh.
 */
async function readRecent(path: string): Promise<string[]> {
  try {
    const value = await readJsonFile(path, { maxBytes: 1024 * 1024 });
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
