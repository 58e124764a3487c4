/**
 * The engine side of the API contract, shared by the desktop app and the browser-mode server:
 * presets, graph files, backends and training runs. Transports call it after checking arguments
 * against the schemas; it throws StudioError with a message for the user.
 */
import type { DatasetName } from '../data/dataset-name.ts';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { detectBackends } from '../backends/ladder.ts';
import { openDatasetInThread, previewDatasetInThread } from '../data/dataset-thread.ts';
import { StudioError } from '../errors.ts';
import { evaluateRun, runFeatureMaps } from '../evaluate/evaluate-run.ts';
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
import { readEpochMetrics } from '../runs/run-folder.ts';
import { deleteRun, readRunGraph, readRunsFolder, renameRun, runFolderIn, setRunNote, summarizeRun } from '../runs/run-history.ts';
import type { TrainingEvent } from '../train/events.ts';
import { checkTrainingMemory } from '../train/memory-check.ts';
import { startTrainingProcess, type TrainingHandle } from '../train/worker/controller.ts';
import { openRunForResume } from '../runs/resume-run.ts';
import { FILE_KIND_INFO, type FileKind, type HostInfo, type StudioCalls, type TrainingResume, type TrainingStart } from './contract.ts';
import { datasetAccess } from './dataset-access.ts';
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
}

const RECENT_LIMIT = 10;

/** Evaluation and feature maps read their dataset off the server's thread too (they then run the model on it). */
const loadDatasetInThread = (name: string | DatasetName) => openDatasetInThread(name).then((opened) => opened.dataset);

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
  /** A run's dataset, when evaluating it, resolved and confined like any other dataset name from the page. */
  /** A run's dataset: its stored name confined like any name from the page, read off the server's thread. */
  const runDataset = { resolveDataset: (name: string) => datasets.resolve(name), loadDataset: loadDatasetInThread };

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
      return { kind: options.kind, workspace: options.workspace };
    },

    listPresets: () => listPresets(options.resourcesDir),

    async loadPreset(id) {
      const read = await readGraphFile(join(options.resourcesDir, `${id}.json`));
      if (!read.ok) throw new StudioError(`the preset ${id} does not load: ${read.problems[0]}`);
      return read.graph;
    },

    async listFiles(kind) {
      return listFiles(options.workspace, FILE_KIND_INFO[kind].extension);
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
      return { path: full, graph: read.graph, imported: read.format === 'cnn-studio' ? null : read.format };
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

    listBackends: () => detectBackends(),

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
      checkTrainingMemory(analysis, settings.data, request.backend);
      return { runId: follow({ graph: graph.graph, settings: settings.data, backend: request.backend, runsRoot: await runsRoot() }) };
    },

    async resumeTraining(request: TrainingResume) {
      // Refused here, in one line, before any process starts: a run still training, no checkpoint, nothing left to train.
      const run = await openRunForResume(await runFolder(request.runId), request.epochs);
      checkTrainingMemory(analyzeGraph(run.graph), run.settings, request.backend);
      return { runId: follow({ graph: null, settings: null, backend: request.backend, runsRoot: null, resume: { runDir: run.dir, epochs: run.epochs } }) };
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

    // Inference on 10,000 images takes a few seconds on the wasm backend, in this process.
    evaluateRun: async (id, model) => evaluateRun(await runFolder(id), { model, backend: 'auto', ...runDataset }),
    featureMaps: async (id, index) => runFeatureMaps(await runFolder(id), index, runDataset),

    async exportDesign(path, format, graph) {
      const loaded = parseGraphDocument(graph);
      if (!loaded.ok) throw new StudioError(`the graph is malformed: ${loaded.problems[0]!.path}: ${loaded.problems[0]!.message}`);
      const full = await paths.target(path, EXPORT_EXTENSIONS[format]);
      await writing(full, () => writeExport(full, loaded.graph, format));
      return { path: full };
    },

    async exportRunModel(id, folder) {
      return { files: await exportRunModel(await runFolder(id), 'best', await resolvePath(folder)) };
    },

    dispose() {
      for (const handle of runs.values()) handle.kill();
      runs.clear();
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
