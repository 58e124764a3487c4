/**
 * The engine side of the API contract, shared by the desktop app and the browser-mode server:
 * presets, graph files, backends and training runs. Transports call it after checking arguments
 * against the schemas; it throws StudioError with a message for the user.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { detectBackends } from '../backends/ladder.ts';
import { openDataset } from '../data/datasets.ts';
import { inspectDataset } from '../data/inspect.ts';
import { StudioError } from '../errors.ts';
import { evaluateRun, runFeatureMaps } from '../evaluate/evaluate-run.ts';
import { findBackupFile } from '../files/backup.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { recoveryStore } from '../files/recovery-file.ts';
import { writeAtomically } from '../files/write-atomically.ts';
import { EXPORT_EXTENSIONS, exportRunModel, writeExport } from '../files/write-export.ts';
import { writeGraphFile } from '../files/write-graph-file.ts';
import { parseGraphDocument } from '../graph/load.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import { readEpochMetrics } from '../runs/run-folder.ts';
import { deleteRun, listRuns, readRunGraph, renameRun, setRunNote, summarizeRun } from '../runs/run-history.ts';
import type { TrainingEvent } from '../train/events.ts';
import { checkTrainingMemory } from '../train/memory-check.ts';
import { startTrainingProcess, type TrainingHandle } from '../train/worker/controller.ts';
import { FILE_KIND_INFO, type FileKind, type GraphFileInfo, type HostInfo, type PresetInfo, type StudioCalls, type TrainingStart } from './contract.ts';
import { isInside, pathPolicy } from './path-policy.ts';

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
const PRESET_FOLDERS = { journey: 'journey', presets: 'classic' } as const;

export interface StudioService extends StudioCalls {
  /** Stops every run still going; for shutting down. */
  dispose(): void;
}

export function createStudioService(options: StudioServiceOptions): StudioService {
  const runs = new Map<string, TrainingHandle>();
  const recentPath = join(options.stateDir, 'recent-files.json');
  const start = options.startTraining ?? startTrainingProcess;
  const recovery = recoveryStore(options.stateDir, options.workspace);

  const paths = pathPolicy(options.kind, options.workspace, () => readRecent(recentPath));
  const resolvePath = (path: string) => paths.check(path);

  /**
   * A file to write: the path, checked before the extension is added (a dialog may return the name
   * without it), then with it. The workspace folder itself ("." or its own full path) passes the
   * check but names no file: with the extension added it would land beside the workspace, outside
   * it (found by fuzzing).
   */
  const fileTarget = async (path: string, extension: string): Promise<string> => {
    const chosen = await resolvePath(path);
    if (relative(options.workspace, chosen) === '') throw new StudioError(`"${path}" is the workspace folder itself; name a file in it`);
    return chosen.endsWith(extension) ? chosen : `${chosen}${extension}`;
  };

  /**
   * `idx:` and `images:` folders are read relative to the workspace. Only read, and typed by the
   * user in the training panel (there is no folder dialog), so the desktop lets them be anywhere;
   * the browser mode keeps them in the workspace like every other path.
   */
  const resolveDataset = (name: string): string => {
    const colon = name.indexOf(':');
    if (colon < 0) return name;
    const [kind, rest] = [name.slice(0, colon), name.slice(colon + 1)];
    const query = rest.indexOf('?');
    const folder = resolve(options.workspace, query < 0 ? rest : rest.slice(0, query));
    if (options.kind === 'browser' && !isInside(options.workspace, folder)) {
      throw new StudioError(`"${rest}" is outside the workspace ${options.workspace}`);
    }
    return `${kind}:${folder}${query < 0 ? '' : rest.slice(query)}`;
  };

  /** Runs a write to `full`, making the workspace's folders on the way, with file-system errors in words. */
  const writing = async (full: string, write: () => Promise<unknown>) => {
    try {
      if (isInside(options.workspace, full)) await mkdir(dirname(full), { recursive: true });
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
      const full = await fileTarget(path, '.json');
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
      if (!backup) throw new StudioError(`${original} has no backup (${original}.bak does not exist)`);
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

    async previewDataset(name) {
      const { dataset, skipped } = await openDataset(resolveDataset(name));
      return { ...inspectDataset(dataset, { previewPerClass: 8 }), skipped };
    },

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
      settings.data.dataset = resolveDataset(settings.data.dataset);
      checkTrainingMemory(analysis, settings.data, request.backend);
      const runId = randomUUID();
      const handle = start(
        { graph: graph.graph, settings: settings.data, backend: request.backend, runsRoot: options.runsRoot },
        (event) => options.emitTrainingEvent(runId, event),
      );
      runs.set(runId, handle);
      void handle.done.finally(() => runs.delete(runId));
      return { runId };
    },

    async stopTraining(runId) {
      runs.get(runId)?.cancel();
    },

    listRuns: () => listRuns(options.runsRoot),

    async runDetails(id) {
      const dir = join(options.runsRoot, id);
      const summary = await summarizeRun(dir).catch(() => {
        throw new StudioError(`there is no run "${id}" in ${options.runsRoot}`);
      });
      return { summary, epochs: await readEpochMetrics(dir), graph: await readRunGraph(dir) };
    },

    renameRun: (id, name) => renameRun(join(options.runsRoot, id), name),
    setRunNote: (id, note) => setRunNote(join(options.runsRoot, id), note),
    deleteRun: (id) => deleteRun(options.runsRoot, join(options.runsRoot, id)),

    // Inference on 10,000 images takes a few seconds on the wasm backend, in this process.
    evaluateRun: (id, model) => evaluateRun(join(options.runsRoot, id), { model, backend: 'auto' }),
    featureMaps: (id, index) => runFeatureMaps(join(options.runsRoot, id), index),

    async exportDesign(path, format, graph) {
      const loaded = parseGraphDocument(graph);
      if (!loaded.ok) throw new StudioError(`the graph is malformed: ${loaded.problems[0]!.path}: ${loaded.problems[0]!.message}`);
      const full = await fileTarget(path, EXPORT_EXTENSIONS[format]);
      await writing(full, () => writeExport(full, loaded.graph, format));
      return { path: full };
    },

    async exportRunModel(id, folder) {
      return { files: await exportRunModel(join(options.runsRoot, id), 'best', await resolvePath(folder)) };
    },

    dispose() {
      for (const handle of runs.values()) handle.kill();
      runs.clear();
    },
  };
}

async function listPresets(resourcesDir: string): Promise<PresetInfo[]> {
  const presets: PresetInfo[] = [];
  for (const [folder, group] of Object.entries(PRESET_FOLDERS)) {
    const files = (await readdir(join(resourcesDir, folder))).filter((name) => name.endsWith('.json')).sort();
    for (const file of files) {
      const read = await readGraphFile(join(resourcesDir, folder, file));
      if (!read.ok) continue;
      const analysis = analyzeGraph(read.graph);
      presets.push({
        id: `${folder}/${file.replace(/\.json$/, '')}`,
        group,
        name: read.graph.name ?? file,
        description: read.graph.description ?? '',
        trainableParams: analysis.totals.params.trainable,
        macs: analysis.totals.macs,
        layers: read.graph.nodes.map((node) => node.type),
      });
    }
  }
  return presets;
}

async function listFiles(workspace: string, extension: string): Promise<GraphFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(workspace);
  } catch {
    return [];
  }
  const files = await Promise.all(
    names
      .filter((name) => name.endsWith(extension) && !name.startsWith('.'))
      .map(async (name) => ({ path: name, modified: (await stat(join(workspace, name))).mtime.toISOString() })),
  );
  return files.sort((a, b) => b.modified.localeCompare(a.modified));
}

async function readRecent(path: string): Promise<string[]> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
